"""Hostile queries, each stopped within its limits while a concurrent simple query (and the
feed) still answer: the "done when" of the SPARQL issue."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from tests import backends
from tests.sparql.conftest import client, close_app, make_app

TIMEOUT = 1.0
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Every node reaches every node through any predicate, both ways, twice joined.
PATHS = ("SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:x:p>|!<urn:x:p>|^<urn:x:q>)* ?b . "
         "?c (<urn:x:p>|!<urn:x:p>)* ?d }")


def huge_values(n: int) -> str:
    """Two VALUES blocks of n numbers each: an n × n product (about 14 bytes per number)."""
    values = " ".join(str(i) for i in range(n))
    return (f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {values} }} "
            f"VALUES ?y {{ {values} }} FILTER(?x != ?y) }}")


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("hostile"), sparql_timeout=TIMEOUT,
                   sparql_max_concurrent=2, sparql_queue_wait=0.5,
                   max_body_bytes=2 * 1024 * 1024)
    c = client(app)
    assert c.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200  # workers up
    yield app, c
    close_app(app)


def _post(c, query: str):
    return c.post("/sparql", data=query.encode(),
                  headers={"Content-Type": "application/sparql-query",
                           "Accept": "application/sparql-results+json"})


def _while_running(app, query: str) -> tuple:
    """Run `query` in a thread; meanwhile a simple query and a feed page must answer."""
    outcome: dict = {}

    def heavy() -> None:
        started = time.monotonic()
        outcome["response"] = _post(client(app), query)
        outcome["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.2)
    side = client(app)
    simple = _post(side, "SELECT ?d WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> } LIMIT 3")
    feed = side.get("/catalog.ttl")
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert simple.status_code == 200, simple.data
    assert len(simple.get_json()["results"]["bindings"]) == 3
    assert feed.status_code == 200
    return outcome["response"], outcome["elapsed"]


@pytest.mark.parametrize("query", [CROSS, PATHS, huge_values(20_000)],
                         ids=["cross-product", "property-paths", "huge-values"])
def test_runaway_query_stopped_at_the_timeout(hostile, query):
    app, _ = hostile
    response, elapsed = _while_running(app, query)
    if query is not CROSS and backends.REFUSES_HOSTILE_QUERIES and response.status_code != 504:
        # Refused by the store before the deadline (under load the deadline may come first).
        assert response.status_code == 422, response.data[:300]
        assert response.get_json()["type"].endswith("sparql-store-refused")
        return
    assert response.status_code == 504, response.data[:300]
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"].endswith("sparql-timeout")
    assert elapsed >= TIMEOUT  # stopped by the deadline, not refused before it


def test_query_larger_than_the_body_limit_is_413(hostile):
    app, c = hostile
    query = huge_values(200_000)  # ~2.6 MB > 2 MiB
    response = _post(c, query)
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert c.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200


def test_service_is_refused_without_any_connection(hostile):
    app, _ = hostile
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        response, elapsed = _while_running(app, query)
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"
        assert "SERVICE" in response.get_json()["detail_en"]
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody called
    finally:
        listener.close()
