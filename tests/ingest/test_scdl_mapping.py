"""The SCDL row ↔ DCAT-AP mapping (service/ingest/scdl/mapping.py), cell by cell."""

from __future__ import annotations

import json

from rdflib import Literal, URIRef

from service.ingest.scdl import import_csv
from service.ingest.scdl.mapping import COLUMN_ORDER, record_to_row, row_to_graph, verbatim
from service.ingest.scdl.tables import schema_path, table
from service.rdf.namespaces import DCAT, DCTERMS, RDFS
from service.rdf.records import single_record
from tests.ingest.scdl_csv import example_rows, write_csv

PUB = "http://socle.test/publishers/rennes"
EU = "http://publications.europa.eu/resource/authority/"


def _map(row: dict[str, str]):
    extracted = single_record(row_to_graph(row, PUB))
    return extracted.graph, extracted.root


def _tricky() -> dict[str, str]:
    _, rows = example_rows()
    row = dict(rows[0])
    row.update(THEME="Patrimoine", COUV_SPAT_MAILLE="Infracommunale",
               COUV_SPAT_NOM="Quartier Maurepas", LICENCE="Spécifique ou autre",
               NOMBRE_RESSOURCES="5", FORMAT_RESSOURCES="pbf;geojson", FREQ_MAJ="Ponctuelle",
               MOTS_CLES="patrimoine;quartiers")
    return row


def test_header_is_the_schema_order():
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    assert tuple(f["name"] for f in schema["fields"]) == COLUMN_ORDER
    for version in ("0.1.1", "0.1.2"):
        older = json.loads(schema_path(version).read_text(encoding="utf-8"))
        assert tuple(f["name"] for f in older["fields"]) == COLUMN_ORDER


def test_every_example_row_reads_back_cell_for_cell():
    _, rows = example_rows()
    for row in rows:
        g, ds = _map(row)
        assert record_to_row(g, ds) == row


def test_cells_without_a_dcat_form_are_kept_verbatim_and_read_back():
    row = _tricky()
    g, ds = _map(row)
    assert record_to_row(g, ds) == row
    assert g.value(ds, DCAT.theme) is None                      # no EU theme for it
    assert (ds, DCAT.keyword, Literal("Patrimoine")) in g
    assert (ds, verbatim("COUV_SPAT_NOM"), None) not in g        # a named dct:Location
    place = g.value(ds, DCTERMS.spatial)
    assert str(g.value(place, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))) == \
        "Quartier Maurepas"
    assert str(g.value(ds, verbatim("NOMBRE_RESSOURCES"))) == "5"  # 2 formats, 5 resources
    dists = list(g.objects(ds, DCAT.distribution))
    assert len(dists) == 2 and not list(g.triples((None, DCTERMS.license, None)))
    formats = [g.value(d, DCTERMS["format"]) for d in dists]
    assert URIRef(EU + "file-type/GEOJSON") in formats
    unknown = next(f for f in formats if not isinstance(f, URIRef) or "GEOJSON" not in f)
    assert str(g.value(unknown, RDFS.label)) == "pbf"
    assert (ds, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/NEVER")) in g


def test_a_record_edited_since_the_import_exports_what_it_now_says():
    _, rows = example_rows()
    g, ds = _map(rows[0])
    assert g.value(ds, verbatim("MOTS_CLES")) is not None       # the order was kept
    g.remove((ds, DCAT.keyword, Literal("prenoms")))
    g.add((ds, DCAT.keyword, Literal("naissances")))
    assert record_to_row(g, ds)["MOTS_CLES"] == "etat-civil;naissances;scdl"


def test_frequency_and_licence_tables_cover_the_schema_enums_both_ways():
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    enums = {f["name"]: f["constraints"].get("enum") for f in schema["fields"]}
    iris = set()
    for value in enums["FREQ_MAJ"]:
        iri = table("frequencies").iri(value)
        assert iri and iri.startswith(EU + "frequency/") and table("frequencies").text(iri) == value
        iris.add(iri)
    assert len(iris) == len(enums["FREQ_MAJ"])
    for value in enums["LICENCE"]:
        iri = table("licences").iri(value)
        assert (iri is None) == (value == "Spécifique ou autre")
        assert iri is None or table("licences").text(iri) == value


def test_a_tricky_row_passes_the_shapes_and_round_trips_through_the_store(hsvc):
    header, _ = example_rows()
    row = _tricky()
    report = import_csv(hsvc.records, "montfort", write_csv(header, [row]))
    assert report["summary"]["created"] == 1, report
    meta = hsvc.records.meta(report["items"][0]["record_id"])
    assert meta.validation["violations"] == 0
    assert record_to_row(hsvc.records.graph(meta), meta.iri) == row
