"""The operator area (/admin/) through HTTP: operators only, CSRF on every POST, and each
action as effective as its CLI command (a created token writes, a created curator logs in,
the downloaded backup is a valid archive)."""

from __future__ import annotations

import io
import re

import pytest

from service.auth.curators import add_curator
from service.ops.backup import read_backup
from tests.conftest import VALID_TTL, post_ttl

PASSWORD = "operator password"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(client, login: str, password: str = PASSWORD):
    token = _csrf(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"login": login, "password": password,
                                       "csrf_token": token})


@pytest.fixture
def operator(app, svc, publisher):
    add_curator(svc.files, publisher, "root", PASSWORD, operator=True)
    client = app.test_client()
    assert _login(client, "root").status_code == 302
    return client


def _post(client, path: str, **form):
    token = _csrf(client.get("/admin/").get_data(as_text=True))
    return client.post(path, data={**form, "csrf_token": token})


def test_only_operators_get_in(app, svc, publisher, client):
    r = client.get("/admin/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    add_curator(svc.files, publisher, "alice", PASSWORD)
    assert _login(client, "alice").status_code == 302
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/backup.tar.gz").status_code == 403


def test_every_action(app, svc, operator):
    page = operator.get("/admin/")
    assert page.status_code == 200 and "Administration de la plateforme" in page.get_data(
        as_text=True)
    assert _post(operator, "/admin/publishers", id="iffendic", name="Iffendic").status_code \
        == 200
    r = _post(operator, "/admin/tokens", publisher="iffendic")
    token = re.search(r'<code id="new-token">([^<]+)</code>', r.get_data(as_text=True)).group(1)
    body = VALID_TTL.replace("deliberations-montfort", "iff-1")
    assert post_ttl(app.test_client(), body, {"Authorization": f"Bearer {token}"}
                    ).status_code == 201
    assert _post(operator, "/admin/curators", login="bob", password="bob password!",
                 publisher="iffendic").status_code == 200
    assert _login(app.test_client(), "bob", "bob password!").status_code == 302
    r = _post(operator, "/admin/sources", url="https://data.example.org/dcat.ttl",
              publisher="iffendic")
    assert r.status_code == 200 and "data.example.org" in r.get_data(as_text=True)
    r = _post(operator, "/admin/exemptions", siren="213501885", reason="moins de 50 agents")
    assert r.status_code == 200 and "moins de 50 agents" in r.get_data(as_text=True)
    r = _post(operator, "/admin/revalidate")
    assert r.status_code == 200 and "Revalidation" in r.get_data(as_text=True)
    r = operator.get("/admin/backup.tar.gz")
    assert r.status_code == 200 and r.mimetype == "application/gzip"
    manifest, members = read_backup(io.BytesIO(r.data))
    assert "files/socle-curators.json" in members and b"iff-1" in members["store.nq"]


def test_a_refused_action_changes_nothing(svc, operator, snapshot):
    before = snapshot()
    r = _post(operator, "/admin/publishers", id="montfort", name="Twice")
    assert r.status_code == 409 and 'role="alert"' in r.get_data(as_text=True)
    r = _post(operator, "/admin/exemptions", siren="000000000", reason="x")
    assert r.status_code == 400
    assert snapshot() == before


def test_posts_need_the_csrf_token(operator, snapshot):
    before = snapshot()
    r = operator.post("/admin/publishers", data={"id": "x", "name": "X"})
    assert r.status_code == 400
    assert snapshot() == before


def test_operator_accounts_from_the_cli(tmp_path):
    import subprocess

    from tests.cli.conftest import CLI
    from tests.conftest import REPO
    from tests.ops.conftest import env, socle

    data = tmp_path / "data"
    socle("publisher", "add", "p", "--name", "P", data=data, check=True)
    done = subprocess.run([*CLI, "curator", "add", "root", "--publisher", "p", "--operator",
                           "--data", str(data)], input="operator password\n", text=True,
                          capture_output=True, cwd=REPO, env=env(), timeout=120)
    assert done.returncode == 0 and "operator" in done.stdout, done.stderr
    assert "root\tp\toperator" in socle("curator", "list", data=data, check=True).stdout
