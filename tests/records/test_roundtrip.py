"""Round trip of real catalogues (udata and ckanext-dcat test fixtures) through the records core.

Every dataset that parses is imported and read back, in every syntax, isomorphic to its input up
to the documented changes (skolemised blank nodes, publisher, added identifier) — or refused
with SHACL violations, which docs/roundtrip.md lists per fixture.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from service.catalog.publishers import publisher_triples
from service.errors import InvalidRecord, SocleError
from service.rdf.formats import syntax_for_filename
from service.rdf.namespaces import DCTERMS
from service.rdf.parse import parse_rdf, to_oxigraph_triples, to_rdflib
from service.rdf.records import closure, split_catalogue
from tests.conftest import BASE, FIXTURES

SOURCES = sorted([*(FIXTURES / "udata-dcat" / "dcat").iterdir(),
                  *(FIXTURES / "ckanext-dcat" / "examples").iterdir()])
# Documented refusals at parse time (docs/roundtrip.md).
UNPARSABLE = {
    "evian.json": "remote JSON-LD @context",
    "geonetwork.xml": "invalid IRI (two URIs separated by a space)",
    "dataset.ttl": "undeclared prefix healthdcatap:",
}
READ_BACK = [("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld"), ("nt", "nt")]


def expected_graph(extracted, iri: URIRef, publisher) -> Graph:
    graph = Graph()
    for s, p, o in extracted.graph:
        graph.add((iri if s == extracted.root else s, p, iri if o == extracted.root else o))
    graph.remove((iri, DCTERMS.publisher, None))
    graph = closure(graph, iri, set())
    if not list(graph.objects(iri, DCTERMS.identifier)):
        graph.add((iri, DCTERMS.identifier, Literal(str(iri))))
    graph.add((iri, DCTERMS.publisher, URIRef(publisher.iri)))
    for triple in publisher_triples(publisher):
        graph.add(triple)
    return graph


def canonical(graph: Graph) -> Graph:
    """Oxigraph stores valid typed literals as values and gives back their canonical lexical
    form ("2024-07-12T00:03:38.764000" → "…38.764"): same value, documented difference."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                 for t in to_oxigraph_triples(graph))
    return to_rdflib(store.quads_for_pattern(None, None, None))


def deskolemise(graph: Graph, record_url: str) -> Graph:
    prefix = f"{record_url}#"

    def back(node):
        return BNode(node[len(prefix):]) if isinstance(node, URIRef) and node.startswith(
            prefix) else node

    out = Graph()
    for s, p, o in graph:
        out.add((back(s), p, back(o)))
    return out


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_fixture_round_trip(path: Path, svc, client, publisher):
    syntax = syntax_for_filename(path.name)
    try:
        document = parse_rdf(path.read_bytes(), syntax, base_iri="http://source.test/")
    except SocleError as err:
        assert path.name in UNPARSABLE, f"unexpected parse refusal: {err}"
        return
    assert path.name not in UNPARSABLE
    imported = refused = 0
    for extracted in split_catalogue(document):
        try:
            result = svc.records.upsert(publisher.id, extracted)
        except InvalidRecord as err:
            refused += 1
            assert err.extra["validation"]["violations"] > 0
            continue
        imported += 1
        meta = result.meta
        record_url = f"{BASE}/datasets/{meta.id}"
        stored = svc.records.graph(meta)
        expected = expected_graph(extracted, URIRef(meta.iri), publisher)
        assert isomorphic(deskolemise(stored, record_url), canonical(expected)), path.name
        for suffix, fmt in READ_BACK:
            response = client.get(f"/datasets/{meta.id}.{suffix}")
            assert response.status_code == 200
            assert isomorphic(Graph().parse(data=response.data, format=fmt), stored), suffix
    assert imported + refused == len(split_catalogue(document))
