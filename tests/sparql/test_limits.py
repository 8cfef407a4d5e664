"""Read-only in every form; SERVICE refused; timeout that frees the core; row limit; 503."""

from __future__ import annotations

import io
import os
import time
from contextlib import contextmanager

import pytest

from tests.sparql.conftest import client, close_app, make_app

UPDATE = 'INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> "c" } }'
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def read_only(r) -> None:
    assert r.status_code == 403, r.data
    assert r.mimetype == "application/problem+json"
    assert r.get_json()["type"].endswith("sparql-read-only")


@pytest.mark.parametrize("text", [UPDATE, "DELETE WHERE { ?s ?p ?o }", "CLEAR ALL",
                                  "DROP DEFAULT", "LOAD <http://example.org/x>",
                                  "PREFIX x: <urn:x>\n# comment\n insert data { <urn:a> x:b 1 }",
                                  "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"])
def test_update_text_in_query_is_refused(sc, snapshot_store, text):
    before = snapshot_store()
    read_only(sc.get("/sparql", query_string={"query": text}))
    read_only(sc.post("/sparql", data={"query": text}))
    read_only(sc.post("/sparql", data=text, headers={"Content-Type": "application/sparql-query"}))
    assert snapshot_store() == before


def test_update_param_and_update_media_type_are_refused(sc, snapshot_store):
    before = snapshot_store()
    read_only(sc.post("/sparql", data={"update": UPDATE}))
    read_only(sc.post("/sparql", data={"query": "ASK {}", "update": UPDATE}))
    read_only(sc.post("/sparql", data=UPDATE,
                      headers={"Content-Type": "application/sparql-update"}))
    read_only(sc.get("/sparql", query_string={"update": UPDATE}))
    assert snapshot_store() == before


def test_keywords_inside_strings_and_iris_are_not_updates(sc):
    r = sc.get("/sparql", query_string={"query": 'ASK { FILTER("INSERT DATA" != "SERVICE") '
                                        '# DROP ALL\n FILTER(<urn:DELETE> != <urn:LOAD>) }'})
    assert r.status_code == 200 and b"true" in r.data


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_service_is_refused(sc, text):
    r = sc.get("/sparql", query_string={"query": text})
    assert r.status_code == 403
    assert r.get_json()["type"].endswith("sparql-service-refused")


@pytest.fixture
def snapshot_store(sparql_app):
    store = sparql_app.extensions["socle"].store

    def take() -> bytes:  # the whole content, on every backend (no store.native remotely)
        out = io.BytesIO()
        store.dump(out)
        return b"\n".join(sorted(out.getvalue().splitlines()))

    return take


@pytest.fixture(scope="module")
def tight(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("tight"), sparql_timeout=1.0, sparql_max_rows=5,
                   sparql_max_concurrent=1, sparql_queue_wait=0.2)
    yield app, client(app)
    close_app(app)


def test_row_limit_is_signalled(tight):
    _, c = tight
    r = c.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    assert r.status_code == 200
    assert r.headers["Socle-Result-Truncated"] == "true"
    assert r.headers["Socle-Max-Rows"] == "5"
    body = r.get_json()
    assert len(body["results"]["bindings"]) == 5
    assert body["head"]["link"] == ["https://socle.opendata.fr/problems/sparql-truncated"]
    small = c.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"})
    assert small.headers["Socle-Result-Truncated"] == "false"
    graph = c.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }",
                                           "format": "nt"})
    assert graph.headers["Socle-Result-Truncated"] == "true"
    assert len(graph.data.strip().splitlines()) == 5


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.slow
@pytest.mark.embedded_only("kills the query worker process; an external store has its own timeout")
def test_timeout_kills_the_query_and_frees_the_core(tight):
    app, c = tight
    executor = app.extensions["socle"].sparql
    c.get("/sparql", query_string={"query": "ASK {}"})  # workers up
    pids = {w.proc.pid for w in executor.pool().workers}
    started = time.monotonic()
    r = c.get("/sparql", query_string={"query": CROSS})
    elapsed = time.monotonic() - started
    assert r.status_code == 504, r.data
    assert r.get_json()["type"].endswith("sparql-timeout")
    assert elapsed >= 1.0  # the deadline, not an early refusal; the kill is checked below
    # The worker that ran it is gone (no core stays busy); the spare is still there.
    gone = {pid for pid in pids if not os.path.exists(f"/proc/{pid}") or _zombie(pid)}
    assert len(pids) == 2 and len(gone) == 1
    # A replacement answers the next query.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        ok = c.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        if ok.status_code == 200:
            break
    assert ok.status_code == 200


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


@contextmanager
def every_slot_taken(executor):
    """Hold every query slot as a running query would, without depending on how long one runs."""
    if executor.path is not None:
        pool = executor.pool()
        held = [pool.acquire(5.0) for _ in range(executor.limits.max_concurrent)]
        assert all(held)
        try:
            yield
        finally:
            for worker in held:
                pool.release(worker)
        return
    for _ in range(executor.limits.max_concurrent):
        assert executor.slots.acquire(timeout=5.0)
    try:
        yield
    finally:
        for _ in range(executor.limits.max_concurrent):
            executor.slots.release()


def test_beyond_the_limit_503_with_retry_after_and_feed_still_answers(tight):
    app, c = tight
    c.get("/sparql", query_string={"query": "ASK {}"})
    with every_slot_taken(app.extensions["socle"].sparql):
        busy = c.get("/sparql", query_string={"query": "ASK {}"})
        assert busy.status_code == 503
        assert busy.headers["Retry-After"] == "2"
        assert busy.get_json()["type"].endswith("sparql-busy")
        feed = c.get("/catalog.ttl")  # the feed never waits for a SPARQL slot
        assert feed.status_code == 200
    assert c.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


@pytest.mark.slow
def test_a_query_past_the_deadline_is_a_504(tight):
    _, c = tight
    r = c.get("/sparql", query_string={"query": CROSS})
    assert r.status_code == 504, r.data
    assert r.get_json()["type"].endswith("sparql-timeout")
