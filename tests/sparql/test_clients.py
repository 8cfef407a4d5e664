"""Real clients against a real `socle serve` (subprocess): SPARQLWrapper, and hostile queries
each stopped within the limits while a simple query keeps answering."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from tests.conftest import REPO
from tests.serving import wait_until_serving

pytestmark = pytest.mark.slow
TIMEOUT = 2.0
HOSTILE = {
    "cross product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "deep property path": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:q>)* ?b . "
                          "?b (!<urn:r>)+ ?c }",
    "sorted cross product": "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f",
    "huge VALUES": "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { "
                   + " ".join(f"<urn:v{i}>" for i in range(60000))
                   + " } ?s ?p ?o . ?t ?q ?r }",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCLE_")}
    env.update(PYTHONPATH=str(REPO), SOCLE_SPARQL_TIMEOUT=str(TIMEOUT),
               SOCLE_SPARQL_MAX_CONCURRENT="2", SOCLE_SPARQL_QUEUE_WAIT="5")
    data = tmp_path_factory.mktemp("serve") / "data"
    log = open(data.parent / "serve.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--data", str(data),
         "--demo", "--base-url", "http://socle.test"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_until_serving(url, proc, data.parent / "serve.log")
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


def wrapper(url: str, query: str, fmt=JSON, method=None) -> SPARQLWrapper:
    sw = SPARQLWrapper(url + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method:
        sw.setMethod(method)
    return sw


def test_sparqlwrapper_formats_and_methods(server):
    query = ("PREFIX dcat: <http://www.w3.org/ns/dcat#> SELECT ?d WHERE { ?d a dcat:Dataset }")
    rows = wrapper(server, query).query().convert()["results"]["bindings"]
    assert len(rows) > 10
    post = wrapper(server, query, method=POST).query().convert()["results"]["bindings"]
    assert len(post) == len(rows)
    xml = wrapper(server, query, XML).query().convert()
    assert len(xml.getElementsByTagName("result")) == len(rows)
    csv = wrapper(server, query, CSV).query().convert()
    assert len(csv.decode().strip().splitlines()) == len(rows) + 1
    graph = wrapper(server, "CONSTRUCT WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> }",
                    TURTLE).query().convert()
    assert len(graph) > 0
    ask = wrapper(server, "ASK { ?s ?p ?o }").query().convert()
    assert ask["boolean"] is True


def test_sparqlwrapper_sees_errors(server):
    with pytest.raises(SPARQLWrapperException):
        wrapper(server, "SELECT ?x WHERE { ?x }").query()


@pytest.mark.embedded_only("an external store stops runaway queries with its own timeout")
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_query_stopped_while_simple_query_answers(server, name):
    outcome = {}

    def hostile():
        data = urllib.parse.urlencode({"query": HOSTILE[name]}).encode()
        req = urllib.request.Request(server + "/sparql", data=data)
        started = time.monotonic()
        try:
            urllib.request.urlopen(req, timeout=30).read()
            outcome["status"] = 200
        except urllib.error.HTTPError as err:
            outcome["status"] = err.code
        outcome["elapsed"] = time.monotonic() - started

    t = threading.Thread(target=hostile)
    t.start()
    time.sleep(0.3)
    latencies = []
    while True:  # at least once: a fast machine may finish the hostile query before we start
        started = time.monotonic()
        result = wrapper(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s a "
                                 "<http://www.w3.org/ns/dcat#Dataset> }").query().convert()
        latencies.append(time.monotonic() - started)
        assert int(result["results"]["bindings"][0]["n"]["value"]) > 10
        feed = urllib.request.urlopen(server + "/catalog.ttl", timeout=5)
        assert feed.status == 200
        if not t.is_alive():
            break
        time.sleep(0.1)
    t.join()
    assert outcome["status"] in (504, 200), outcome
    assert outcome["elapsed"] < TIMEOUT + 1.5, outcome
    assert latencies and max(latencies) < TIMEOUT, latencies  # answered, not queued behind it


def test_service_refused_through_sparqlwrapper(server):
    with pytest.raises(urllib.error.HTTPError) as err:  # SPARQLWrapper passes 403 through
        wrapper(server, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }").query()
    assert err.value.code == 403


@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graph_queries_in_every_format_it_offers(server, form):
    """SPARQLWrapper's default settings: it sends `format=<name>` (n3, rdf+xml, json-ld…) with
    its Accept; an unknown name falls back to Accept, so every format converts."""
    import warnings

    import rdflib
    from SPARQLWrapper import JSONLD, N3, RDF, RDFXML, TSV

    query = ("CONSTRUCT WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> } LIMIT 3"
             if form == "CONSTRUCT" else
             "DESCRIBE ?d WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> } LIMIT 1")
    for fmt in (None, XML, RDFXML, RDF, TURTLE, N3, JSONLD, JSON, CSV, TSV):
        sw = SPARQLWrapper(server + "/sparql")
        sw.setQuery(query)
        if fmt is not None:
            sw.setReturnFormat(fmt)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # CSV/TSV: SPARQLWrapper says
            result = sw.query().convert()                     # it sends */* and gets Turtle
        if isinstance(result, bytes):
            graph = rdflib.Graph().parse(data=result, format="turtle")
        else:
            graph = result
        assert isinstance(graph, rdflib.Graph), (fmt, type(result))
        assert len(graph) > 0, fmt


def test_rdflib_sparqlstore_keeps_a_carriage_return(server):
    """rdflib's SPARQLStore reads XML results by default: a raw CR would come back as LF."""
    import rdflib
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(server + "/sparql"))
    rows = list(graph.query('SELECT ?x WHERE { BIND("a\\rb\\r\\nc" AS ?x) }'))
    assert str(rows[0][0]) == "a\rb\r\nc"


@pytest.mark.embedded_only("the worker's answer is what the deadline bounds")
def test_slow_reader_gets_the_complete_answer(server):
    """A 40 MB answer read slowly past the 2 s deadline (waitress stops pulling the body once
    its buffer holds 16 MB): the whole answer arrives, never a clean 200 cut short."""
    import http.client
    import json

    numbers = " ".join(str(i) for i in range(100))
    query = (f"SELECT ?x WHERE {{ VALUES ?a {{ {numbers} }} VALUES ?b {{ {numbers} }} "
             f'BIND(CONCAT(STR(?a), "-", STR(?b), "-{"p" * 4000}") AS ?x) }}')
    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.request("POST", "/sparql", body=query.encode(),
                 headers={"Content-Type": "application/sparql-query",
                          "Accept": "application/sparql-results+json"})
    response = conn.getresponse()
    assert response.status == 200
    body = response.read(1 << 20)
    time.sleep(TIMEOUT + 2)  # the reader stalls past the deadline
    body += response.read()
    conn.close()
    rows = json.loads(body)["results"]["bindings"]
    assert len(rows) == 100 * 100
