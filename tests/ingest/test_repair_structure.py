"""The structural repairs (service/rdf/repair/structure.py) on the real fixture catalogues
that showed each defect: every repair is reported, and the record repaired has fewer
violations (Socle's validator) and none new. That the harvested records are then published
and the feed conforms is tests/ingest/test_harvest_catalogues.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from service.rdf.records import split_catalogue
from service.rdf.repair import repair_extracted
from service.validation import Validator
from tests.conftest import FIXTURES

UDATA = FIXTURES / "udata-dcat" / "dcat"
CKAN = FIXTURES / "ckanext-dcat" / "examples"
FORMATS = {".xml": "xml", ".rdf": "xml", ".ttl": "turtle", ".jsonld": "json-ld"}
BASE = "http://data.test.org/"

# fixture, a piece of the dataset's IRI or identifier, (repair kind, property) expected
CASES = [
    (CKAN / "catalog.rdf", "datasets/1", ("range-type", "rdf:type")),
    (CKAN / "catalog_pod.jsonld", "widgets-data", ("interval", "dct:temporal")),
    (CKAN / "dataset_deri.ttl", "Abandoned_Vehicles", ("class-alias", "rdf:type")),
    (CKAN / "dataset_gob_es.ttl", "l01280796", ("theme-subject", "dcat:theme")),
    (CKAN / "dataset_gob_es.ttl", "l01280796", ("file-type", "dct:format")),
    (CKAN / "dataset_gov_de.rdf", "c1be4007", ("extra-dropped", "locn:geometry")),
    (CKAN / "dataset_gov_de.rdf", "c1be4007", ("agent-class", "rdf:type")),
    (CKAN / "dataset_sweden.rdf", "ds1", ("moved-media-type", "dct:format")),
    (UDATA / "bnodes.jsonld", "1", ("url-dropped", "dcat:landingPage")),
    (UDATA / "bnodes.xml", "dataset-2", ("concept-label", "skos:prefLabel")),
    (UDATA / "bnodes.xml", "dataset-2", ("theme-inspire", "dct:subject")),
    (CKAN / "dataset_health.ttl", "dataset", ("relation-unqualified", "dcat:qualifiedRelation")),
    (UDATA / "catalog.xml", "datasets/3", ("range-type", "rdf:type")),
    (UDATA / "datara--5a26b0f6-0ccf-46ad-ac58-734054b91977.rdf.xml", "5a26b0f6",
     ("source-record", "foaf:primaryTopic")),
    (UDATA / "datara--5a26b0f6-0ccf-46ad-ac58-734054b91977.rdf.xml", "5a26b0f6",
     ("extra-dropped", "dcat:bbox")),
    (UDATA / "partial-collection-1.jsonld", "datasets/1", ("empty-dropped", "dct:temporal")),
    (UDATA / "udata.xml", "bureau-de-vote", ("agent", "rdf:type")),
]


def _record(path: Path, key: str):
    graph = Graph().parse(data=path.read_text("utf-8"), format=FORMATS[path.suffix],
                          publicID=BASE)
    for record in split_catalogue(graph):
        ids = {str(i) for i in record.graph.objects(record.root, DCTERMS.identifier)}
        if key in ids or (isinstance(record.root, URIRef) and key in str(record.root)):
            return record
    raise AssertionError(f"no dataset {key} in {path.name}")


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.mark.parametrize("path,key,expected", CASES,
                         ids=[f"{p.name}-{e[0]}" for p, _k, e in CASES])
def test_structural_repair_reported_and_record_conforms(validator, path, key, expected):
    source = _record(path, key)
    repaired, repairs = repair_extracted(source, base=BASE)
    assert expected in {(r["kind"], r["property"]) for r in repairs}, repairs
    assert all(r["detail_fr"] and r["detail_en"] for r in repairs)
    before = [(v.path, v.shape) for v in validator.validate(source.graph).violations]
    after = [(v.path, v.shape) for v in validator.validate(repaired.graph).violations]
    assert len(after) < len(before) and set(after) <= set(before), (before, after)


def test_unknown_theme_kept_as_subject_with_its_label_as_keyword():
    record, _ = repair_extracted(_record(CKAN / "dataset_gob_es.ttl", "l01280796"), base=BASE)
    subjects = list(record.graph.objects(record.root, DCTERMS.subject))
    assert subjects and not list(record.graph.objects(record.root, DCAT.theme))
    assert not any(list(record.graph.predicate_objects(s)) for s in subjects)  # shared IRIs


def test_inspire_scheme_concept_becomes_the_inspire_theme():
    """bnodes.xml names INSPIRE's Hydrography by its own IRI, in the INSPIRE theme scheme,
    with the theme's French label: the subject kept is the registry's IRI (data.gouv.fr's
    ``inspire`` tag comes from it, tests/interop/test_udata_compare.py)."""
    record, repairs = repair_extracted(_record(UDATA / "bnodes.xml", "dataset-2"), base=BASE)
    hy = URIRef("http://bnode.namespace.voc/theme/hy")
    inspire = URIRef("http://inspire.ec.europa.eu/theme/hy")
    assert set(record.graph.objects(record.root, DCTERMS.subject)) == {inspire}
    assert not list(record.graph.objects(record.root, DCAT.theme))
    assert "Hydrographie" in {str(k) for k in record.graph.objects(record.root, DCAT.keyword)}
    assert not list(record.graph.predicate_objects(hy))  # nothing said about a shared IRI
    assert {"property": "dct:subject", "before": str(hy), "after": str(inspire)}.items() <= \
        next(r for r in repairs if r["kind"] == "theme-inspire").items()


def test_generic_qualified_relation_to_an_undescribed_resource_becomes_dct_relation():
    """dataset_health.ttl: dcat:qualifiedRelation [ dct:relation <…/3.141592> ; dcat:hadRole
    iana:related ], the target described nowhere: said as dct:relation, nothing lost."""
    record, repairs = repair_extracted(_record(CKAN / "dataset_health.ttl", "dataset"),
                                       base=BASE)
    target = URIRef("http://example.com/dataset/3.141592")
    assert (record.root, DCTERMS.relation, target) in record.graph
    assert not list(record.graph.objects(record.root, DCAT.qualifiedRelation))
    assert not list(record.graph.subjects(RDF.type, DCAT.Relationship))
    found = next(r for r in repairs if r["kind"] == "relation-unqualified")
    assert found["after"] == str(target) and found["detail_fr"].startswith("relation qualifiée")


def test_qualified_relation_with_a_specific_role_is_kept():
    """Only the generic role says no more than dct:relation; another role would be lost."""
    text = (CKAN / "dataset_health.ttl").read_text("utf-8").replace(
        "<http://www.iana.org/assignments/relation/related>",
        "<http://www.iana.org/assignments/relation/describedby>")
    graph = Graph().parse(data=text, format="turtle", publicID=BASE)
    record = next(r for r in split_catalogue(graph)
                  if "dataset" in {str(i) for i in r.graph.objects(r.root, DCTERMS.identifier)}
                  or "dataset" in str(r.root))
    repaired, repairs = repair_extracted(record, base=BASE)
    assert "relation-unqualified" not in {r["kind"] for r in repairs}
    assert list(repaired.graph.objects(repaired.root, DCAT.qualifiedRelation))


def test_vcard_creator_becomes_a_named_agent():
    record, _ = repair_extracted(_record(UDATA / "udata.xml", "bureau-de-vote"), base=BASE)
    creator = next(record.graph.objects(record.root, DCTERMS.creator))
    assert (creator, RDF.type, FOAF.Agent) in record.graph
    assert str(record.graph.value(creator, FOAF.name)) == "Vanves"


def test_wkt_geometry_is_the_one_kept():
    record, repairs = repair_extracted(_record(CKAN / "dataset_gov_de.rdf", "c1be4007"),
                                       base=BASE)
    geometries = list(record.graph.objects(None, URIRef("http://www.w3.org/ns/locn#geometry")))
    kinds = {str(g.datatype).rsplit("#", 1)[-1] for g in geometries}
    assert "wktLiteral" in kinds
    dropped = [r for r in repairs if r["kind"] == "extra-dropped"]
    assert dropped and all(r["after"] is None and r["before"] for r in dropped)
