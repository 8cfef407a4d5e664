"""Virtuoso answers only the first `ResultSetMaxRows` rows of a query (its default is 10000).
Socle refuses to read a cut answer as the whole one: a record read and a backup fail with a
502 problem that names the setting, and the public endpoint flags the answer as truncated.

A second Virtuoso, with a limit of MAX_ROWS rows, is started by the repo's own script: this
runs in the suite's Virtuoso pass (scripts/test.sh), where the server is installed."""

from __future__ import annotations

import io
import os
import subprocess

import pytest

from service.app import create_app
from service.config import Settings
from service.store.sparql import Remote, SparqlStore
from service.store.sparql_errors import StoreResultCut
from tests import backends
from tests.cli.conftest import socle_process
from tests.conftest import BASE, REPO

pytestmark = pytest.mark.skipif(
    backends.BACKEND != "virtuoso",
    reason="Virtuoso's ResultSetMaxRows: run in the virtuoso pass of scripts/test.sh")

PORT = int(os.environ.get("VIRTUOSO_CUT_PORT", "8897"))
MAX_ROWS = 100
BIG, SMALL = "urn:test:graph:big", "urn:test:graph:small"


def _insert(name: str, count: int) -> str:
    rows = " ".join(f'<urn:test:s> <urn:test:p{i}> "{i}" .' for i in range(count))
    return f"INSERT DATA {{ GRAPH <{name}> {{ {rows} }} }}"


@pytest.fixture(scope="module")
def server():
    script = ["bash", "scripts/store-virtuoso.sh"]
    subprocess.run([*script, "start", str(PORT)], cwd=REPO, check=True, capture_output=True,
                   env={**os.environ, "VIRTUOSO_MAX_ROWS": str(MAX_ROWS)})
    base = f"http://127.0.0.1:{PORT}"
    env = {"SOCLE_STORE": f"{base}/sparql", "SOCLE_STORE_UPDATE": f"{base}/sparql-auth",
           "SOCLE_STORE_USER": "dba", "SOCLE_STORE_PASSWORD": "dba", "SOCLE_STORE_AUTH": "digest"}
    store = SparqlStore(Remote(env["SOCLE_STORE"], update_url=env["SOCLE_STORE_UPDATE"],
                               user="dba", password="dba", auth="digest"))
    store.update(_insert(BIG, MAX_ROWS + 50))
    store.update(_insert(SMALL, 10))
    try:
        yield store, env
    finally:
        subprocess.run([*script, "stop", str(PORT)], cwd=REPO, capture_output=True)


def test_a_graph_read_under_the_limit_is_whole_and_over_it_refused(server):
    store, _ = server
    assert len(store.graph(SMALL)) == 10
    with pytest.raises(StoreResultCut) as cut:
        store.graph(BIG)
    problem = cut.value.to_problem()
    assert problem["status"] == 502
    assert problem["max_rows"] == str(MAX_ROWS)
    assert "ResultSetMaxRows" in problem["detail_fr"] and "relevez" in problem["detail_fr"]


def test_a_backup_of_a_store_that_cuts_fails_and_writes_nothing(server, tmp_path):
    store, env = server
    with pytest.raises(StoreResultCut):
        store.dump(io.BytesIO())
    done = socle_process("export", data=tmp_path / "data", environ=env)
    assert done.returncode != 0
    assert done.stdout == ""  # not a partial dump that looks whole
    assert "ResultSetMaxRows" in done.stderr and "Traceback" not in done.stderr
    assert done.stderr.index("relevez") < done.stderr.index("raise")  # French first


def test_the_endpoint_flags_an_answer_the_server_cut(server, tmp_path):
    _, env = server
    settings = Settings(data=str(tmp_path / "data"), base_url=BASE,
                        store_url=env["SOCLE_STORE"], store_update=env["SOCLE_STORE_UPDATE"],
                        store_user="dba", store_password="dba", store_auth="digest")
    app = create_app(settings)
    try:
        client = app.test_client()
        query = f"SELECT ?p WHERE {{ GRAPH <{BIG}> {{ ?s ?p ?o }} }}"
        cut = client.get("/sparql", query_string={"query": query},
                         headers={"Accept": "application/sparql-results+json"})
        assert cut.status_code == 200, cut.data
        assert cut.headers["Socle-Result-Truncated"] == "true"
        assert len(cut.get_json()["results"]["bindings"]) == MAX_ROWS
        whole = client.get("/sparql", query_string={"query": query + " LIMIT 20"},
                           headers={"Accept": "application/sparql-results+json"})
        assert whole.headers["Socle-Result-Truncated"] == "false"
        assert len(whole.get_json()["results"]["bindings"]) == 20
    finally:
        app.extensions["socle"].store.close()
