"""The query shape check (update? SERVICE? FROM?) on the texts that fooled the hand-written
lexer, and the query workers' sandbox: no outgoing connection even when the check is bypassed."""

from __future__ import annotations

import json
import socket
import threading

import pytest

from tests import backends
from tests.sparql.conftest import client, close_app, make_app

DCAT = "http://www.w3.org/ns/dcat#"


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener():
    one = Listener()
    yield one
    one.close()


def _get(c, query: str, **params):
    return c.get("/sparql", query_string={"query": query, **params},
                 headers={"Accept": "application/sparql-results+json"})


def _rows(response) -> list[dict]:
    return json.loads(response.data)["results"]["bindings"]


SERVICE_BYPASSES = [
    r"PREFIX ex: <http://e/> SELECT * WHERE {{ VALUES ?z {{ ex:a\# }} "
    r"SERVICE <{url}> {{ ?s ?p ?o }} }}",
    r"PREFIX ex: <http://e/> SELECT * WHERE {{ VALUES ?z {{ ex:a\' }} "
    r"SERVICE <{url}> {{ ?s ?p ?o }} }}",
    r'PREFIX ex: <http://e/> SELECT * WHERE {{ VALUES ?z {{ ex:a\" }} '
    r"SERVICE <{url}> {{ ?s ?p ?o }} }}",
    # pyoxigraph reads a keyword glued to the next one
    "SELECT * WHERE {{ SERVICESILENT <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o OPTIONAL{{}}SERVICE<{url}>{{}} }}",
    r"SELECT * WHERE {{ \u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SERVICE_BYPASSES,
                         ids=["hash", "quote", "dquote", "glued", "glued2", "codepoint"])
def test_service_is_refused_and_nothing_connects(sc, listener, template):
    response = _get(sc, template.format(url=listener.url))
    assert response.status_code in (400, 403), response.data[:300]
    assert response.mimetype == "application/problem+json"
    assert listener.connections == 0


def _one_record_graph(sc) -> str:
    r = _get(sc, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?d a <{DCAT}Dataset> }} }} ORDER BY ?g LIMIT 1")
    return _rows(r)[0]["g"]["value"]


@pytest.mark.skipif(backends.BACKEND == "virtuoso",
                    reason="Virtuoso's SPARQL parser refuses local-name escapes (SP030)")
def test_from_after_local_escape_is_honoured(sc):
    graph = _one_record_graph(sc)
    union = _rows(_get(sc, f"SELECT ?d WHERE {{ ?d a <{DCAT}Dataset> }}"))
    assert len(union) > 10
    query = (rf"PREFIX ex: <http://e/> SELECT ?d (ex:a\# AS ?z) FROM <{graph}> "
             f"WHERE {{ ?d a <{DCAT}Dataset> }}")
    response = _get(sc, query)
    assert response.status_code == 200, response.data[:300]
    assert len(_rows(response)) == 1


def test_language_tag_add_is_not_an_update(sc):
    response = _get(sc, 'SELECT ?x WHERE { BIND("x"@add AS ?x) }')
    assert response.status_code == 200, response.data[:300]
    assert _rows(response)[0]["x"]["xml:lang"] == "add"


def test_language_tag_from_keeps_the_union_default_graph(sc):
    plain = _rows(_get(sc, f"SELECT ?s WHERE {{ ?s a <{DCAT}Dataset> }}"))
    tagged = _rows(_get(sc, f'SELECT ?s WHERE {{ ?s a <{DCAT}Dataset> FILTER(?s != "x"@from) }}'))
    assert len(plain) > 10
    assert len(tagged) == len(plain)


def test_update_text_is_still_refused(sc):
    for text in ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "insertdata{}",
                 "PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }"):
        response = _get(sc, text)
        assert response.status_code == 403, text
        assert response.get_json()["type"].endswith("sparql-read-only")


@pytest.mark.embedded_only
@pytest.mark.skipif(backends.BACKEND != "embedded", reason="query workers: embedded store")
def test_worker_cannot_connect_even_when_the_check_is_bypassed(sparql_app, listener):
    """The executor called directly, as if the shape check had let SERVICE through."""
    from service.sparql.errors import ServiceRefused

    executor = sparql_app.extensions["socle"].sparql
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    with sparql_app.test_request_context(), pytest.raises(ServiceRefused) as refused:
        executor.run(query, "json", base_iri=None, union=True, default_graph=None,
                     named_graphs=None, cache="no-store")
    assert "sandbox" in refused.value.detail_en
    assert listener.connections == 0
    # the worker lives on and answers
    assert _get(client(sparql_app), "ASK {}").status_code == 200


@pytest.mark.embedded_only
@pytest.mark.slow
@pytest.mark.skipif(backends.BACKEND != "embedded", reason="query workers: embedded store")
def test_operator_allowing_service_lifts_the_sandbox(tmp_path, listener):
    """With SOCLE_SPARQL_ALLOW_SERVICE the worker does connect: the filter is what stopped it."""
    app = make_app(tmp_path, sparql_allow_service=True, sparql_timeout=5.0)
    try:
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        response = _get(client(app), query)
        assert response.status_code in (400, 503), response.data[:300]  # nobody answers
        assert listener.connections >= 1
    finally:
        close_app(app)
