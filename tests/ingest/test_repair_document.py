"""Repairs of an RDF/XML document before parsing (service/rdf/repair/document.py), on the
real GeoNetwork export that showed them (udata's ``geonetwork.xml``: an ``rdf:about`` of two
URLs joined by a space, ``<dcat:theme rdf:resource="…">label</dcat:theme>``): the document
parses, the dataset is harvested (kept in quarantine for what is really missing: no
description, distributions described nowhere) and every change is in its report."""

from __future__ import annotations

from service.rdf.formats import syntax_for_filename
from service.rdf.parse import parse_quads, to_rdflib
from service.rdf.repair.document import repair_document
from tests.ingest.test_harvest_catalogues import CATALOGUES, _socle_taken
from tests.ingest.test_repair_structure import UDATA

GEONETWORK = UDATA / "geonetwork.xml"
SPACED = ("https://sig.oreme.org/geonetwork/srv/resources/datasets/0c456d2d-9548-4a2a-94ef-"
          "231d9d890ce2 https://sig.oreme.org/geonetwork/srv/resources0c456d2d-9548-4a2a-94ef-"
          "231d9d890ce2")
ENCODED = SPACED.replace(" ", "%20")


def test_spaces_encoded_and_texts_dropped_then_the_document_parses():
    syntax = syntax_for_filename("geonetwork.xml")
    body, fixes = repair_document(GEONETWORK.read_bytes(), syntax.name)
    assert fixes.iris == {ENCODED: SPACED}
    assert fixes.texts["http://inspire.ec.europa.eu/theme/ef"] == [
        "Environmental monitoring facilities"]
    graph = to_rdflib(parse_quads(body, syntax, "http://127.0.0.1/geonetwork.xml"))
    subjects = {str(s) for s in graph.subjects()}
    assert ENCODED in subjects


def test_other_documents_untouched():
    for name in ("catalog.xml", "bnodes.xml"):
        data = (UDATA / name).read_bytes()
        body, fixes = repair_document(data, "rdfxml")
        assert body is data and not fixes
    data = b"<http://ex.org/a b> <http://ex.org/p> 1 ."
    assert repair_document(data, "turtle")[0] is data


def test_harvest_reports_the_document_repairs(site):
    _taken, report = _socle_taken(CATALOGUES["udata-geonetwork-xml"].serve(site), "quarantine")
    assert report["errors"] == [] and report["counts"]["quarantined"] == 1, report
    item = report["items"][0]
    assert item["key"] == ENCODED
    kinds = {(r["kind"], r["property"], r["before"], r["after"]) for r in item["repairs"]}
    assert ("iri-encoded", "rdf:about", SPACED, ENCODED) in kinds
    assert ("resource-text", "dcat:theme", "http://inspire.ec.europa.eu/theme/ef "
            "« Environmental monitoring facilities »", "http://inspire.ec.europa.eu/theme/ef") \
        in kinds
    assert all(r["detail_fr"] and r["detail_en"] for r in item["repairs"])
    # what keeps it in quarantine is what DCAT-AP asks and the source does not give
    paths = {r["path"] for r in item["results"]}
    assert "http://purl.org/dc/terms/description" in paths


def test_a_document_that_parses_is_never_rewritten():
    """The patterns could match inside a literal's text: only a failed parse is repaired."""
    from service.ingest.harvest.paging import _parse_page

    text = 'Exemple : rdf:resource="http://ex.org/a b">libellé</fin'
    escaped = text.replace("<", "&lt;").replace(">", "&gt;")
    doc = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
           ' xmlns:dct="http://purl.org/dc/terms/"><rdf:Description rdf:about="http://ex.org/d">'
           f'<dct:description>{escaped.replace("&gt;", ">")}</dct:description>'
           '</rdf:Description></rdf:RDF>').encode()
    syntax = syntax_for_filename("doc.rdf")
    assert repair_document(doc, syntax.name)[1]  # the pattern alone would rewrite it
    quads, fixes = _parse_page(doc, syntax, "http://127.0.0.1/doc.rdf")
    assert not fixes
    assert [str(q.object.value) for q in quads] == [text]
