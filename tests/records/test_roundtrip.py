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

from service.catalog.ownership import PAGE_LINKS
from service.catalog.publishers import publisher_triples
from service.catalog.records import RecordService
from service.errors import InvalidRecord, SocleError
from service.rdf.formats import BY_SUFFIX, syntax_for_filename
from service.rdf.namespaces import DCTERMS, RDF
from service.rdf.parse import parse_rdf, to_oxigraph_triples, to_rdflib
from service.rdf.profiles.enrich import RANGES
from service.rdf.records import closure, split_catalogue
from service.validation import Report
from tests import backends
from tests.conftest import BASE, FIXTURES

SOURCES = sorted([*(FIXTURES / "udata-dcat" / "dcat").iterdir(),
                  *(FIXTURES / "ckanext-dcat" / "examples").iterdir()])
# Documented refusals at parse time (docs/roundtrip.md).
UNPARSABLE = {
    "evian.json": "remote JSON-LD @context",
    "geonetwork.xml": "invalid IRI (two URIs separated by a space)",
    "dataset.ttl": "undeclared prefix healthdcatap:",
}
# (stored, refused) per fixture with validation on; reasons in docs/roundtrip.md. A blank-node
# data service nested in a distribution is part of its dataset, and a type-only reference is
# no record (issue 17 defects 1 and 7): dataset.rdf, catalog.xml, series.xml and
# serves-dataset-by-uri-2.xml count fewer records than split_catalogue used to cut.
EXPECTED_OUTCOMES = {
    "catalog.rdf": (0, 2),
    "catalog_datasets_list.rdf": (0, 2),
    "catalog_pod.jsonld": (0, 1),
    "catalog_with_at_graph.jsonld": (0, 1),
    "dataset.rdf": (0, 1),
    "dataset_afs.ttl": (0, 1),
    "dataset_deri.ttl": (0, 1),
    "dataset_gob_es.ttl": (0, 1),
    "dataset_gov_de.rdf": (0, 1),
    "dataset_health.ttl": (0, 1),
    "dataset_health_multilingual.ttl": (0, 1),
    "dataset_health_no_blank.ttl": (0, 1),
    "dataset_multilingual.ttl": (0, 1),
    "dataset_sweden.rdf": (0, 1),
    "bnodes.jsonld": (0, 3),
    "bnodes.xml": (1, 3),
    "catalog.xml": (0, 4),
    "conflicting-dois.xml": (1, 0),
    "datara--5a26b0f6-0ccf-46ad-ac58-734054b91977.rdf.xml": (0, 1),
    "datara--f40c3860-7236-4b30-a141-23b8ae33f7b2.rdf.xml": (0, 1),
    "flat.jsonld": (0, 3),
    "nested.jsonld": (0, 1),
    "paged-collection-1.jsonld": (0, 3),
    "paged-collection-2.jsonld": (0, 1),
    "partial-collection-1.jsonld": (0, 3),
    "partial-collection-2.jsonld": (0, 1),
    "series.xml": (0, 1),
    "serves-dataset-by-uri-1.xml": (1, 0),
    "serves-dataset-by-uri-2.xml": (1, 0),
    "sig.oreme.rdf": (0, 1),
    "udata.xml": (1, 2),
}
READ_BACK = ["ttl", "rdf", "jsonld", "nt"]


def expected_graph(extracted, iri: URIRef, publisher) -> Graph:
    graph = Graph()
    for s, p, o in extracted.graph:
        graph.add((iri if s == extracted.root else s, p, iri if o == extracted.root else o))
    graph.remove((iri, DCTERMS.publisher, None))
    graph.remove((URIRef(publisher.iri), None, None))
    graph = closure(graph, iri, set())
    # Shared vocabulary values (IRI values of the range table's properties) keep only their
    # expected rdf:type; what hung off them goes too (docs/records.md, "IRI ownership").
    expected = {}
    for _s, p, o in graph:
        if (str(p) in RANGES and str(p) not in PAGE_LINKS and isinstance(o, URIRef)
                and o != iri and "#" not in o):
            expected.setdefault(o, set()).add(URIRef(RANGES[str(p)]))
    types = [(v, RDF.type, c) for v, classes in expected.items() for c in classes
             if (v, RDF.type, c) in graph]
    graph = closure(graph, iri, set(expected))
    for triple in types:
        graph.add(triple)
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


class AcceptAll:
    """Validation off: isolates storage fidelity from DCAT-AP conformance."""

    def validate(self, graph):
        return Report()


def parsed(path: Path) -> Graph | None:
    try:
        document = parse_rdf(path.read_bytes(), syntax_for_filename(path.name),
                             base_iri="http://source.test/")
    except SocleError as err:
        assert path.name in UNPARSABLE, f"unexpected parse refusal: {err}"
        return None
    assert path.name not in UNPARSABLE
    return document


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_storage_is_lossless(path: Path, svc, client, publisher):
    """Every dataset that parses is stored and read back, in every syntax, as it came (up to
    the documented changes of expected_graph)."""
    document = parsed(path)
    if document is None:
        return
    if backends.uses_unsupported_datatype(document):
        pytest.skip(f"{backends.BACKEND} refuses or rewrites some literals of this document "
                    "(docs/scaling.md)")
    records = RecordService(svc.store, AcceptAll(), BASE)
    for extracted in split_catalogue(document):
        meta = records.upsert(publisher.id, extracted).meta
        stored = svc.records.graph(meta)
        expected = expected_graph(extracted, URIRef(meta.iri), publisher)
        # comparable: by value where the backend keeps values, not lexical forms (Virtuoso).
        assert isomorphic(backends.comparable(deskolemise(stored, f"{BASE}/datasets/{meta.id}")),
                          backends.comparable(canonical(expected))), path.name
        for suffix in READ_BACK:
            response = client.get(f"/datasets/{meta.id}.{suffix}")
            assert response.status_code == 200
            # Parsed with Oxigraph: rdflib's parsers rewrite lexical forms of typed literals.
            assert isomorphic(parse_rdf(response.data, BY_SUFFIX[suffix]), stored), suffix


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_import_stores_conforming_and_refuses_the_rest(path: Path, svc, publisher):
    """With validation on, a record is either stored or refused with its violations."""
    document = parsed(path)
    if document is None:
        return
    stored = refused = 0
    for extracted in split_catalogue(document):
        try:
            svc.records.upsert(publisher.id, extracted)
            stored += 1
        except InvalidRecord as err:
            assert err.extra["validation"]["violations"] > 0
            assert all(r["message"]["fr"] and r["message"]["en"] for r in err.extra["results"])
            refused += 1
    assert (stored, refused) == EXPECTED_OUTCOMES[path.name]
