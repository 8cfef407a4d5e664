"""An answer is complete or it is a problem: errors before the first byte are problem+json with
`Cache-Control: no-store` (a slow reader: test_clients.py), evaluation errors are 400;
content negotiation by q-values, `format=` fallback, HEAD, CORS on every answer; dataset IRIs,
nesting limits, crashed workers and crash-loop clients (issue 21 item 7)."""

from __future__ import annotations

import pytest

from tests import backends

embedded_only = pytest.mark.skipif(backends.BACKEND != "embedded",
                                   reason="query workers / RDF 1.2: embedded store")
TRIPLE_TERM = "CONSTRUCT { <urn:a> <urn:b> <<( <urn:c> <urn:d> <urn:e> )>> } WHERE {}"


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.data[:300]
    assert r.mimetype == "application/problem+json"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    return r.get_json()


@embedded_only
def test_writer_error_is_a_problem_not_an_empty_200(sc):
    r = sc.get("/sparql", query_string={"query": TRIPLE_TERM, "format": "jsonld"})
    assert "JSON-LD" in _problem(r, 406)["detail_en"]
    ok = sc.get("/sparql", query_string={"query": TRIPLE_TERM, "format": "nt"})
    assert ok.status_code == 200 and b"<<(" in ok.data


def test_evaluation_error_is_400_with_the_engines_message(sc):
    r = sc.get("/sparql", query_string={"query": "SELECT (<urn:no-such-function>(1) AS ?x) {}"})
    problem = _problem(r, 400)
    if backends.BACKEND == "embedded":
        assert problem["type"].endswith("sparql-evaluation")
        assert "urn:no-such-function" in problem["engine_message"]


@pytest.mark.parametrize("accept, media", [
    ("application/sparql-results+xml, text/html;q=0.5", "application/sparql-results+xml"),
    ("text/html;q=0.4, text/csv;q=0.6", "text/csv"),
    ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", "text/html"),
    ("text/*;q=0.9, text/html;q=0.1", "text/csv"),
])
def test_accept_q_values_decide_between_the_page_and_results(sc, accept, media):
    r = sc.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
               headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == media


@pytest.mark.parametrize("short, accept, media", [
    ("n3", "text/turtle", "text/turtle"),
    ("json-ld", "application/ld+json", "application/ld+json"),
    ("rdf+xml", "application/rdf+xml", "application/rdf+xml"),
    ("xml", "text/turtle", "application/rdf+xml"),  # a known name wins over Accept
])
def test_unknown_format_name_falls_back_to_accept(sc, short, accept, media):
    query = "CONSTRUCT WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> } LIMIT 2"
    r = sc.get("/sparql", query_string={"query": query, "format": short},
               headers={"Accept": accept})
    assert r.status_code == 200, r.data[:300]
    assert r.mimetype == media


def test_head_is_get_without_a_body(sc):
    params = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}
    get = sc.get("/sparql", query_string=params)
    head = sc.head("/sparql", query_string=params)
    assert head.status_code == get.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_on_every_answer_405_included(sc):
    for r in (sc.put("/sparql"), sc.delete("/sparql"),
              sc.get("/sparql", query_string={"query": "SELECT"}),
              sc.options("/sparql")):
        assert r.headers["Access-Control-Allow-Origin"] == "*", r.status_code
    assert sc.put("/sparql").status_code == 405


def test_invalid_dataset_iri_is_400(sc):
    r = sc.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": "a b"})
    assert _problem(r, 400)["type"].endswith("sparql-invalid-dataset")
    r = sc.post("/sparql", data={"query": "ASK {}", "named-graph-uri": "<urn:x>"})
    assert _problem(r, 400)["parameter"] == "named-graph-uri"


@pytest.mark.parametrize("query", [
    "SELECT (" + "(" * 20_000 + "1" + ")" * 20_000 + " AS ?x) {}",
    "SELECT (" + "+".join(["1"] * 50_000) + " AS ?x) {}",
    "SELECT * " + "{" * 5000 + "}" * 5000,
    "SELECT * { " + " UNION ".join(["{ }"] * 5000) + " }",
], ids=["parentheses", "sum", "groups", "unions"])
def test_nesting_is_refused_before_evaluation(sc, query):
    problem = _problem(sc.post("/sparql", data={"query": query}), 400)
    assert problem["type"].endswith("sparql-too-complex")


@embedded_only
def test_crashed_worker_is_replaced_and_a_crash_loop_is_throttled(sparql_app, sc):
    """The executor called directly with a query that overflows the engine's stack (the view
    refuses it before): 503 each time, 429 once the client crashed two workers; another
    client's simple query still answers."""
    from service.sparql.errors import Throttled, WorkerFailure

    executor = sparql_app.extensions["socle"].sparql
    crash = "SELECT (" + "(" * 50_000 + "1" + ")" * 50_000 + " AS ?x) {}"
    args = dict(base_iri=None, union=True, default_graph=None, named_graphs=None,
                cache="no-store", client="crasher")
    kills = executor.pool().kills
    with sparql_app.test_request_context():
        for _ in range(2):
            with pytest.raises(WorkerFailure) as failed:
                executor.run(crash, "json", **args)
            assert failed.value.headers["Retry-After"]
        with pytest.raises(Throttled):
            executor.run("ASK {}", "json", **args)
    assert executor.pool().kills == kills + 2
    r = sc.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
    assert r.status_code == 200
    executor.crashes.crashes.clear()


@embedded_only
def test_worker_opens_the_store_through_rocksdb_runtime_errors(tmp_path, monkeypatch):
    """pyoxigraph raises RocksDB's "Corruption … .sst" (writer compacting) as RuntimeError:
    opening retries instead of killing the worker."""
    import pyoxigraph as ox

    from service.sparql import worker

    path = tmp_path / "store"
    store = ox.Store(str(path))
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))
    store.flush()
    del store
    failures = [RuntimeError("Corruption: Can't access /000123.sst"), OSError("IO error")]

    class Store:
        @staticmethod
        def read_only(where: str):
            if failures:
                raise failures.pop(0)
            return ox.Store.read_only(where)

    class Shim:
        def __getattr__(self, name):
            return Store if name == "Store" else getattr(ox, name)

    monkeypatch.setattr(worker, "ox", Shim())
    monkeypatch.setattr("time.sleep", lambda s: None)  # the retry pauses (service/retry.py)
    runner = worker.Runner(str(path))
    assert failures == [] and len(runner.store) == 1


@embedded_only
def test_worker_that_cannot_open_the_store_says_so(tmp_path):
    from service.sparql.pool import Worker, WorkerFailed

    one = Worker(str(tmp_path / "no-store-here"), 0)
    with pytest.raises(WorkerFailed, match="failed to start"):
        one.wait_ready(60)
    assert not one.alive
