"""Source URLs with credentials: refused where they are entered (curator form, `socle source
add`, `socle harvest URL`, the Python API every entry goes through), never echoed back; sources
stored with credentials before this was refused lose them when the app (or the CLI) starts."""

from __future__ import annotations

import json
import re

import pytest

from service.app import create_app
from service.catalog.publishers import add_publisher
from service.errors import SocleError
from service.ingest.harvest import report as reports
from service.ingest.harvest.sources import Source, add_source, list_sources, put_source
from tests.conftest import BASE
from tests.ingest.test_harvest_cli import socle
from tests.web.conftest import PASSWORD, _csrf, curator, logged_in  # noqa: F401 - fixtures

SECRET = "s3cr3t-pw"
WITH_CREDENTIALS = [f"http://user:{SECRET}@127.0.0.1:9/catalog.ttl",
                    f"https://user:{SECRET}@example.org/catalog.ttl",
                    f"https://{SECRET}@example.org/catalog.ttl", "https://@example.org/x"]


@pytest.mark.parametrize("url", WITH_CREDENTIALS)
def test_the_api_refuses_user_info(svc, publisher, snapshot, url):
    before = snapshot()
    with pytest.raises(SocleError) as err:
        add_source(svc.store, url, publisher.id)
    assert "identifiants" in err.value.detail_fr and "credentials" in err.value.detail_en
    assert SECRET not in str(err.value)
    assert snapshot() == before


def test_the_curator_form_refuses_user_info(logged_in, svc):  # noqa: F811
    token = _csrf(logged_in.get("/curator/import/").get_data(as_text=True))
    r = logged_in.post("/curator/import/sources",
                       data={"csrf_token": token, "url": WITH_CREDENTIALS[1]})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "contient des identifiants" in html
    assert list_sources(svc.store) == []
    assert PASSWORD  # the curator fixture's


@pytest.mark.parametrize("command", [["source", "add"], ["harvest"]])
def test_the_cli_refuses_user_info(tmp_path, command):
    data = tmp_path / "data"
    assert socle("publisher", "add", "montfort", "--name", "M", data=data).returncode == 0
    done = socle(*command, WITH_CREDENTIALS[0], "--publisher", "montfort", data=data)
    assert done.returncode != 0
    assert "identifiants" in done.stderr and "credentials" in done.stderr
    assert SECRET not in done.stdout + done.stderr
    listed = socle("source", "list", data=data)
    assert listed.returncode == 0 and listed.stdout == ""


def test_sources_stored_with_credentials_lose_them_at_start(tmp_path):
    """What Socle does with existing ones: the user-info is removed from the stored URL, name
    and run reports (the fetch policy already refused such URLs, so nothing worked with it)."""
    from service.config import Settings

    settings = Settings(data=str(tmp_path / "data"), base_url=BASE)
    app = create_app(settings)
    store = app.extensions["socle"].store
    add_publisher(store, BASE, "montfort", "Commune de Montfort", None)
    old = Source("vieille", WITH_CREDENTIALS[1], "montfort", WITH_CREDENTIALS[1],
                 "2026-01-01T00:00:00Z")
    put_source(store, old)  # as an older version stored it
    run = reports.RunReport("vieille", old.url, "montfort", status="failed")
    run.errors.append({"detail_fr": f"x {old.url}", "detail_en": f"x {old.url}"})
    reports.save(store, run)
    store.close()

    app = create_app(settings)  # the next start
    client = app.test_client()
    overview = client.get("/publishers/montfort/harvest")
    text = overview.get_data(as_text=True)
    assert SECRET not in text
    assert json.loads(text)["sources"][0]["url"] == "https://example.org/catalog.ttl"
    report = client.get(f"/publishers/montfort/harvest/runs/{run.run}").get_data(as_text=True)
    assert SECRET not in report and "https://example.org/catalog.ttl" in report
    dump = client.post("/sparql", data={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"},
                       headers={"Accept": "application/sparql-results+json"})
    assert dump.status_code == 200 and not re.search(SECRET, dump.get_data(as_text=True))
    app.extensions["socle"].store.close()
