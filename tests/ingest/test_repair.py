"""The repair step (service/rdf/repair): each mechanical defect found in the real fixture
catalogues is repaired and reported (property, before, after, French and English), and what
is not a known form is left for validation to report."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, XSD

from service.rdf.records import split_catalogue
from service.rdf.repair import repair_extracted
from service.validation import Validator
from tests.conftest import FIXTURES
from tests.validation.conftest import CORPUS

EU = "http://publications.europa.eu/resource/authority/"
SPDX_VALUE = URIRef("http://spdx.org/rdf/terms#checksumValue")
RECORD = """
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
<http://x.test/d> a dcat:Dataset ; dct:identifier "d" ; dct:title "Vélos" ;
  dct:description "Stationnements vélos" ; dct:language "fr" ;
  dcat:theme "Transports", "Vélo" ; dct:accrualPeriodicity "R/P1M" ;
  dct:issued "15/01/2020" ; dct:modified "" ; dcat:landingPage "https://x.test/page" ;
  dct:license "Licence Ouverte v2.0" ; dct:accessRights "public" ;
  dct:conformsTo "Schéma local" ;
  dcat:distribution [ a dcat:Distribution ; dct:format "Shapefile" ; dcat:mediaType "text/csv" ;
     dcat:downloadURL "files/a.csv" ; dcat:byteSize "43008.0" ;
     spdx:checksum [ a spdx:Checksum ; spdx:checksumValue "ab12ef" ;
       spdx:algorithm spdx:checksumAlgorithm_sha1 ] ] .
"""


def _repaired(text: str, fmt: str = "turtle", base: str = "https://portal.test/cat.ttl"):
    (record,) = split_catalogue(Graph().parse(data=text, format=fmt))
    return repair_extracted(record, base=base)


def test_every_mechanical_defect_is_repaired_and_reported():
    record, repairs = _repaired(RECORD)
    g, d = record.graph, URIRef("http://x.test/d")
    changes = {(r["property"], r["before"], r["after"]) for r in repairs}
    assert ("dct:accrualPeriodicity", '"R/P1M"', f"{EU}frequency/MONTHLY") in changes
    assert ("dcat:theme", '"Transports"', f"{EU}data-theme/TRAN") in changes
    assert ("dcat:keyword", "\"Vélo\"", "\"Vélo\"") in changes  # unknown theme: a keyword
    assert ("dct:language", '"fr"', f"{EU}language/FRA") in changes
    assert ("dct:license", '"Licence Ouverte v2.0"',
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence/") in changes
    assert ("dct:accessRights", '"public"', f"{EU}access-right/PUBLIC") in changes
    assert ("dct:format", '"Shapefile"', f"{EU}file-type/SHP") in changes
    assert ("dcat:mediaType", '"text/csv"',
            "https://www.iana.org/assignments/media-types/text/csv") in changes
    assert ("dcat:downloadURL", '"files/a.csv"', "https://portal.test/files/a.csv") in changes
    assert ("dcat:accessURL", None, "https://portal.test/files/a.csv") in changes
    assert ("dct:issued", '"15/01/2020"', '"2020-01-15"^^date') in changes
    assert ("dct:modified", '""', None) in changes  # dropped
    assert ("spdx:checksumValue", '"ab12ef"', '"ab12ef"^^hexBinary') in changes
    assert ("dcat:byteSize", '"43008.0"', '"43008"^^nonNegativeInteger') in changes
    assert ("dct:title", '"Vélos"', '"Vélos"@fr') in changes  # the record's declared language
    assert all(r["detail_fr"] and r["detail_en"] for r in repairs)
    assert (d, DCTERMS.issued, Literal("2020-01-15", datatype=XSD.date)) in g
    assert not list(g.objects(d, DCTERMS.modified))
    assert (None, SPDX_VALUE, Literal("ab12ef", datatype=XSD.hexBinary)) in g
    assert (d, DCAT.keyword, Literal("Vélo")) in g


def test_repaired_record_validates_where_the_source_did_not():
    validator = Validator()
    (source,) = split_catalogue(Graph().parse(data=RECORD, format="turtle"))
    record, _ = repair_extracted(source, base="https://portal.test/cat.ttl")
    before = {r.path for r in validator.validate(source.graph).violations}
    after = {r.path for r in validator.validate(record.graph).violations}
    assert {str(DCTERMS.format), str(DCAT.landingPage), str(DCTERMS.issued)} <= before
    assert after <= {str(DCAT.contactPoint)}, after  # what only the publisher can add


@pytest.mark.parametrize("value,expected", [
    ("http://purl.org/cld/freq/weekly", f"{EU}frequency/WEEKLY"),
    ("https://publications.europa.eu/resource/authority/frequency/monthly",
     f"{EU}frequency/MONTHLY"),
])
def test_near_iris_and_dublin_core_become_eu_iris(value, expected):
    text = RECORD.replace('"R/P1M"', f"<{value}>")
    _record, repairs = _repaired(text)
    assert ("dct:accrualPeriodicity", value, expected) in {
        (r["property"], r["before"], r["after"]) for r in repairs}


def test_what_is_already_right_is_left_alone():
    (record,) = split_catalogue(Graph().parse(CORPUS / "valid-full.ttl", format="turtle"))
    _repaired_record, repairs = repair_extracted(record)
    assert repairs == []


def test_real_udata_fixture_formats_and_urls_are_repaired():
    """udata's flat.jsonld (a real udata export): formats as text, URLs as text."""
    data = (FIXTURES / "udata-dcat" / "dcat" / "flat.jsonld").read_text("utf-8")
    records = split_catalogue(Graph().parse(data=data, format="json-ld",
                                            publicID="http://data.test.org/"))
    kinds = {r["property"] for rec in records for r in repair_extracted(rec)[1]}
    assert "dct:format" in kinds


def test_harvest_reports_each_repair(site):
    """udata's flat.jsonld harvested strictly: its 3 datasets are taken once repaired, each
    item of the run report lists its repairs."""
    from tests.ingest.test_harvest_catalogues import CATALOGUES, _socle_taken

    taken, report = _socle_taken(CATALOGUES["udata-flat-jsonld"].serve(site), False)
    assert taken == 3
    repairs = [r for item in report["items"] for r in item["repairs"] or ()]
    assert {"dct:format", "dcat:accessURL"} <= {r["property"] for r in repairs}
    assert all(r["detail_fr"] for r in repairs)


@pytest.mark.parametrize("name", ["geonetwork-iso19139-page-1.xml",
                                  "geoide-iso19139-single-dataset.xml",
                                  "geonetwork-dcat-page-1.xml"])
def test_csw_and_iso19139_are_refused_with_a_clear_message(site, name):
    """Issue 17 defect 9: CSW answers (ISO 19139 or DCAT in a CSW envelope) were refused with
    the RDF/XML parser's "XML namespaces are required"; now the run says what they are and
    what to use instead, in French and English."""
    from tests.ingest.test_harvest_catalogues import _socle_taken

    path = f"/csw/{name}"
    site.add_file(path, FIXTURES / "udata-dcat" / "csw_dcat" / name,
                  content_type="application/rdf+xml")
    taken, report = _socle_taken(site.url(path), False)
    (error,) = report["errors"]
    assert taken == 0 and report["status"] == "failed"
    assert "ISO 19139/CSW n'est pas pris en charge" in error["detail_fr"]
    assert "Use the portal's DCAT endpoint" in error["detail_en"]


def test_nested_blank_node_data_services_stay_in_their_dataset(site):
    """Issue 17 defect 1: ``dcat:accessService [ a dcat:DataService … ]`` inside a
    distribution (udata's series.xml, GeoNetwork style) is part of its dataset, for import
    and harvest alike: no "dataset without IRI nor identifier" failure, the endpoint kept."""
    from tests.ingest.test_harvest_catalogues import CATALOGUES, _socle_taken

    source = FIXTURES / "udata-dcat" / "dcat" / "series.xml"
    graph = Graph().parse(source, format="xml", publicID="http://data.test.org/")
    records = split_catalogue(graph)
    endpoints = [o for r in records for o in r.graph.objects(None, DCAT.endpointURL)]
    assert not any((r.root, None, DCAT.DataService) in r.graph for r in records
                   if isinstance(r.root, BNode))
    assert endpoints, "the nested services' endpoints are in their datasets' closures"
    _taken, report = _socle_taken(CATALOGUES["udata-series-xml"].serve(site), "publish")
    assert report["counts"]["failed"] == 0, report["items"]


def test_harvest_keeps_the_source_typing_of_values_outside_the_vocabularies():
    """Issue 17 defect 3: the harvest's un-enrichment removed ``<…> a dct:Frequency`` from
    the source, so a value only the source's typing made acceptable failed by harvest and
    passed by import. Only values of Socle's vocabularies lose the typing Socle would add."""
    from service.ingest.harvest.unenrich import strip_enrichment

    custom = "http://example.org/frequences/a-la-demande"
    text = RECORD.replace('"R/P1M"', f"<{custom}>") + (
        f"<{custom}> a <http://purl.org/dc/terms/Frequency> .\n"
        f"<{EU}data-theme/TRAN> a <http://www.w3.org/2004/02/skos/core#Concept> .\n")
    text = text.replace('"Transports", ', f"<{EU}data-theme/TRAN>, ")
    (record,) = split_catalogue(Graph().parse(data=text, format="turtle"))
    kept = strip_enrichment(record).graph
    frequency = URIRef("http://purl.org/dc/terms/Frequency")
    assert (URIRef(custom), None, frequency) in kept
    assert not list(kept.predicate_objects(URIRef(f"{EU}data-theme/TRAN")))
