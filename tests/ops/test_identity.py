"""The instance's base URL is stored with its data: another one is refused, `socle rebase`
moves every IRI, and pages, feeds and the README's first steps use the stored base."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.cli.conftest import HEAD, catalogue, dataset
from tests.conftest import REPO
from tests.ops.conftest import Server, env, free_port, get, socle

OLD = "http://localhost:8000"
NEW = "https://catalogue.example.fr/donnees"


def stored(data: Path) -> str:
    return json.loads((data / "socle-instance.json").read_text())["base_url"]


def export(data: Path) -> str:
    return socle("export", data=data, check=True).stdout


def test_base_stored_at_first_use_and_another_refused(tmp_path):
    data = tmp_path / "data"
    socle("publisher", "add", "montfort", "--name", "Montfort", data=data, check=True)
    assert stored(data) == OLD
    assert oct((data / "socle-instance.json").stat().st_mode & 0o777) == "0o600"
    before = export(data)
    done = socle("publisher", "add", "iffendic", "--name", "Iffendic", "--base-url", NEW,
                 data=data)
    assert done.returncode == 2
    assert "Erreur : Cette instance a été créée avec l'URL de base http://localhost:8000" in \
        done.stderr
    assert f"Error: This instance was created with the base URL {OLD}" in done.stderr
    assert f"socle rebase {NEW}" in done.stderr
    assert export(data) == before  # nothing written
    # Without --base-url, later commands use the stored base.
    socle("publisher", "add", "iffendic", "--name", "Iffendic", data=data, check=True)
    assert f"<{OLD}/publishers/iffendic>" in export(data)


def test_empty_store_takes_the_new_base(tmp_path):
    data = tmp_path / "data"
    socle("publisher", "list", "--base-url", "http://a.example", data=data, check=True)
    socle("publisher", "add", "p", "--name", "P", "--base-url", NEW, data=data, check=True)
    assert stored(data) == NEW


def test_store_without_identity_file_reads_its_base_back(tmp_path):
    """A data directory written before the identity file existed."""
    data = tmp_path / "data"
    socle("publisher", "add", "montfort", "--name", "Montfort", "--base-url", NEW, data=data,
          check=True)
    (data / "socle-instance.json").unlink()
    done = socle("publisher", "list", "--base-url", OLD, data=data)
    assert done.returncode == 2 and f"socle rebase {OLD}" in done.stderr
    assert stored(data) == NEW


def test_rebase_moves_every_iri_in_one_go(tmp_path):
    data = tmp_path / "data"
    socle("publisher", "add", "montfort", "--name", "Montfort", "--siren", "213501882",
          data=data, check=True)
    token = socle("token", "create", "--publisher", "montfort", data=data,
                  check=True).stdout.strip().splitlines()[-1]
    (tmp_path / "cat.ttl").write_text(catalogue(12))
    socle("import", str(tmp_path / "cat.ttl"), "--publisher", "montfort", data=data, check=True)
    socle("source", "add", "https://data.example.org/catalog.ttl", "--publisher", "montfort",
          data=data, check=True)
    before = export(data)
    assert f"<{OLD}/datasets/jeu-0003#" in before  # skolem IRIs under the record

    done = socle("rebase", NEW, data=data, check=True)
    assert f"{OLD} -> {NEW}" in done.stdout
    after = export(data)
    assert stored(data) == NEW
    assert OLD not in after
    assert sorted(after.splitlines()) == sorted(before.replace(f"{OLD}/", f"{NEW}/")
                                                .splitlines())

    with Server(data) as server:  # no --base-url: the stored one
        status, _, body = get(f"{server.url}/datasets/jeu-0003.ttl")
        assert status == 200 and f"<{NEW}/datasets/jeu-0003>" in body.decode()
        status, _, body = get(f"{server.url}/catalog.nt")
        assert f"<{NEW}/catalog>" in body.decode() and OLD not in body.decode()
        request = urllib.request.Request(
            f"{server.url}/datasets", data=(HEAD + dataset(99)).encode(), method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 201
            assert response.headers["Location"] == f"{NEW}/datasets/jeu-0099"


def test_rebase_to_the_same_base_and_bad_urls(tmp_path):
    data = tmp_path / "data"
    socle("publisher", "add", "p", "--name", "P", data=data, check=True)
    before = export(data)
    assert socle("rebase", OLD, data=data, check=True).returncode == 0
    bad = socle("rebase", "ftp://x", data=data)
    assert bad.returncode == 2 and "http:// or https://" in bad.stderr
    assert export(data) == before


def test_links_follow_the_port_and_then_the_stored_base(tmp_path):
    """No base URL given: a fresh instance is `http://localhost:<port>`, and its pages and
    feeds keep that stored base when it is later served on another port."""
    data = tmp_path / "data"
    port = free_port()
    with Server(data, "--demo", port=port) as server:
        status, _, body = get(f"{server.url}/publishers/montfort-sur-meu")
        page = body.decode()
        assert status == 200 and f"http://localhost:{port}/publishers/montfort-sur-meu/catalog" \
            in page
        assert "localhost:8000" not in page
    assert stored(data) == f"http://localhost:{port}"
    with Server(data) as other:
        _, _, body = get(f"{other.url}/catalog.nt")
        assert f"<http://localhost:{port}/catalog>" in body.decode()


def _readme_block(after: str) -> str:
    text = (REPO / "README.md").read_text()
    start = text.index(after)
    return re.search(r"```sh\n(.*?)```", text[start:], re.S).group(1)


def test_readme_first_steps_work_literally(tmp_path):
    """The two shell blocks of "First steps as an operator", run by bash as written (only
    the data directory and the port are moved, by SOCLE_DATA and SOCLE_PORT)."""
    first = _readme_block("## First steps as an operator")
    then = _readme_block("Then, with the token:")
    port = free_port()
    (tmp_path / "catalogue.ttl").write_text(catalogue(3))
    (tmp_path / "dataset.ttl").write_text(HEAD + dataset(7).replace('"jeu-0007"', '"mon-jeu"'))
    venv = Path(sys.prefix)
    activate = REPO / ".venv/bin/activate"
    script = "\n".join([
        "set -e",
        first.replace(". .venv/bin/activate",
                      f". {activate}" if activate.exists() else f"PATH={venv}/bin:$PATH"),
        "SERVER=$!",
        "trap 'kill $SERVER' EXIT",
        f"for i in $(seq 100); do curl -sf http://127.0.0.1:{port}/health >/dev/null && break;"
        " sleep 0.3; done",
        then.replace("127.0.0.1:8000", f"127.0.0.1:{port}"),
    ])
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300,
                          env={**env(), "SOCLE_DATA": str(tmp_path / "data"),
                               "SOCLE_PORT": str(port)})
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "<https://catalogue.example.fr/datasets/mon-jeu>" in done.stdout
    dump = export(tmp_path / "data")
    assert "<https://catalogue.example.fr/datasets/jeu-0001>" in dump
    assert "http://localhost" not in dump
    assert os.path.exists(tmp_path / "data" / "socle-instance.json")
