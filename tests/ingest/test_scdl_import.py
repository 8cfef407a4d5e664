"""SCDL catalogue CSV: mapping to DCAT-AP 3, per-row report, export and round trip."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from service.catalog import bookkeeping
from service.catalog.publishers import add_publisher
from service.ingest.scdl import CsvFileError, catalogue_csv, import_csv
from service.ingest.scdl.export import COLUMNS
from service.ingest.scdl.mapping import row_to_dataset
from service.rdf.namespaces import DCAT, DCTERMS
from tests.conftest import BASE, REPO

EXAMPLE = REPO.parent / "shared/fixtures/scdl-catalogue/exemple-construit-scdl-catalogue.csv"
FILES = Path(__file__).parent / "scdl_files"
FREQ = "http://publications.europa.eu/resource/authority/frequency/"
THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FT = "http://publications.europa.eu/resource/authority/file-type/"


@pytest.fixture
def rennes(svc):
    return add_publisher(svc.store, BASE, "rennes-metropole", "Rennes Métropole", "243500139")


def _graphs(svc, publisher: str) -> dict[str, Graph]:
    return {m.id: svc.records.graph(m)
            for m in bookkeeping.list_records(svc.store, publisher=publisher, limit=1000)}


def test_example_rows_become_valid_dcat_ap_records(svc, rennes):
    report = import_csv(svc.records, rennes.id, EXAMPLE.read_bytes())
    assert report["summary"] == {"created": 3, "updated": 0, "unchanged": 0, "failed": 0}
    assert report["row_errors"] == []
    assert [i["source"] for i in report["items"]][0].startswith("ligne 2 ")
    g = _graphs(svc, rennes.id)["prenoms-des-nouveaux-nes-a-rennes-en-2017"]
    ds = URIRef(f"{BASE}/datasets/prenoms-des-nouveaux-nes-a-rennes-en-2017")
    assert g.value(ds, DCTERMS.title) == Literal("Prénoms des nouveaux-nés à Rennes en 2017",
                                                 lang="fr")
    assert g.value(ds, DCTERMS.accrualPeriodicity) == URIRef(FREQ + "ANNUAL_2")  # Semestrielle
    assert g.value(ds, DCAT.theme) == URIRef(THEME + "GOVE")  # Administration locale
    assert Literal("Administration locale", lang="fr") in set(g.objects(ds, DCAT.keyword))
    assert g.value(ds, DCTERMS.spatial) == URIRef("http://id.insee.fr/geo/commune/35238")
    assert g.value(ds, DCTERMS.publisher) == URIRef(rennes.iri)
    creator = g.value(ds, DCTERMS.creator)
    assert str(g.value(creator, DCTERMS.identifier)) == "21350238800019"
    formats = {g.value(d, DCTERMS.format) for d in g.objects(ds, DCAT.distribution)}
    assert formats == {URIRef(FT + "CSV"), URIRef(FT + "XLS"), URIRef(FT + "JSON")}
    for dist in g.objects(ds, DCAT.distribution):
        assert g.value(dist, DCTERMS.license) == URIRef(
            "https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
    assert str(g.value(ds, DCAT.landingPage)).startswith("https://data.rennesmetropole.fr/")
    meta = svc.records.meta("prenoms-des-nouveaux-nes-a-rennes-en-2017")
    assert meta.validation["violations"] == 0


def test_bad_rows_are_reported_by_line_and_column_and_good_rows_kept(svc, rennes):
    report = import_csv(svc.records, rennes.id, (FILES / "bad-rows.csv").read_bytes())
    assert report["summary"]["created"] == 1 and report["summary"]["failed"] == 5
    where = {(e["line"], e["column"]) for e in report["row_errors"]}
    assert where == {(3, "DATE_PUBL"), (4, "FREQ_MAJ"), (5, "TITRE"), (6, "COLL_SIRET"),
                     (7, "URL")}
    by_line = {e["line"]: e for e in report["row_errors"]}
    assert "n'est pas une date" in by_line[3]["message_fr"]
    assert "valeur obligatoire" in by_line[5]["message_fr"]
    assert "is not" in by_line[3]["message_en"]
    failed = [i for i in report["items"] if i["outcome"] == "failed"]
    assert failed[0]["error"]["detail_fr"].startswith("Ligne 3 : DATE_PUBL")
    assert set(_graphs(svc, rennes.id)) == {"budget-2025"}  # nothing half-written


def test_windows_1252_with_semicolons(svc, rennes):
    rows = list(csv.reader(io.StringIO(EXAMPLE.read_text(encoding="utf-8"))))[:2]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)  # as Excel writes
    data = out.getvalue().encode("cp1252")
    assert b"\xe9" in data  # é as one Windows-1252 byte
    report = import_csv(svc.records, rennes.id, data)
    assert report["summary"]["created"] == 1
    g = _graphs(svc, rennes.id)["prenoms-des-nouveaux-nes-a-rennes-en-2017"]
    assert any("Prénoms" in str(t) for t in g.objects(None, DCTERMS.title))


@pytest.mark.parametrize("data, missing", [
    (b"", None), (b"ID,TITRE\r\nx,y\r\n", "COLL_NOM")])
def test_whole_file_refused_with_what_is_missing(svc, rennes, data, missing):
    with pytest.raises(CsvFileError) as err:
        import_csv(svc.records, rennes.id, data)
    assert err.value.status == 422
    if missing:
        assert missing in err.value.detail_fr and "ligne 1" in err.value.detail_fr


def test_duplicate_id_in_one_file_is_a_row_error(svc, rennes):
    lines = EXAMPLE.read_bytes().splitlines()
    report = import_csv(svc.records, rennes.id, b"\r\n".join([*lines, lines[1]]))
    assert report["summary"]["created"] == 3 and report["summary"]["failed"] == 1
    assert report["row_errors"][0]["column"] == "ID"
    assert "ligne 2" in report["row_errors"][0]["message_fr"]


def test_export_then_import_is_stable(svc, rennes):
    import_csv(svc.records, rennes.id, EXAMPLE.read_bytes())
    before = _graphs(svc, rennes.id)
    first = catalogue_csv(svc.records, rennes.id)
    assert first.splitlines()[0] == ",".join(COLUMNS)
    again = import_csv(svc.records, rennes.id, first.encode("utf-8"))
    assert again["summary"] == {"created": 0, "updated": 0, "unchanged": 3, "failed": 0}
    after = _graphs(svc, rennes.id)
    assert all(isomorphic(before[k], after[k]) for k in before)
    assert catalogue_csv(svc.records, rennes.id) == first


def test_export_of_rdf_records_fills_what_dcat_says(svc, rennes, valid_ttl):
    from service.ingest.rdf_import import import_graph
    from service.rdf.formats import syntax_for_media_type
    from service.rdf.parse import parse_rdf

    turtle = syntax_for_media_type("text/turtle")
    import_graph(svc.records, rennes.id, parse_rdf(valid_ttl.encode(), turtle))
    text = catalogue_csv(svc.records, rennes.id)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["ID"] == "deliberations-montfort"
    assert row["FREQ_MAJ"] == "Mensuelle ou plusieurs fois par mois"
    assert row["LICENCE"] == "Licence Ouverte-LO"
    assert row["THEME"] == "Administration locale"  # from the EU theme GOVE
    assert row["COUV_SPAT_MAILLE"] == "Communale"
    assert row["FORMAT_RESSOURCES"] == "csv" and row["NOMBRE_RESSOURCES"] == "1"


@pytest.mark.parametrize("cells, prop, expected", [
    ({"THEME": "Énergie"}, DCAT.theme, URIRef(THEME + "ENER")),
    ({"THEME": "transports"}, DCAT.theme, URIRef(THEME + "TRAN")),
    ({"THEME": "Pêche à la ligne"}, DCAT.theme, None),
    ({"FREQ_MAJ": "Quotidienne ou plusieurs fois par jour"}, DCTERMS.accrualPeriodicity,
     URIRef(FREQ + "DAILY")),
])
def test_mapping_tables(cells, prop, expected):
    mapped = row_to_dataset({"ID": "x", "TITRE": "t", **cells})
    assert mapped.graph.value(mapped.root, prop) == expected


def test_unknown_format_and_more_resources_than_formats():
    mapped = row_to_dataset({"ID": "x", "TITRE": "T", "URL": "https://e.fr/x",
                             "NOMBRE_RESSOURCES": "3", "FORMAT_RESSOURCES": "csv;zarr",
                             "LICENCE": "Spécifique ou autre"})
    g, ds = mapped.graph, mapped.root
    dists = list(g.objects(ds, DCAT.distribution))
    assert len(dists) == 3
    labels = {str(lab) for d in dists for f in g.objects(d, DCTERMS.format)
              for lab in g.objects(f, None) if isinstance(lab, Literal)}
    assert labels == {"zarr"}
    assert all(g.value(d, DCAT.accessURL) == URIRef("https://e.fr/x") for d in dists)


def test_a_place_that_is_not_one_territory_round_trips(svc, rennes):
    """An ambiguous name stays a described place, and export gives the name back."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(",Communale,Rennes,",
                                                       ",Communale,Saint-Grégoire,", 1)
    import_csv(svc.records, rennes.id, text.encode("utf-8"))
    g = _graphs(svc, rennes.id)["prenoms-des-nouveaux-nes-a-rennes-en-2017"]
    place = next(g.objects(None, DCTERMS.spatial))
    assert not str(place).startswith("http://id.insee.fr/")
    first = catalogue_csv(svc.records, rennes.id)
    assert ",Communale,Saint-Grégoire," in first
    again = import_csv(svc.records, rennes.id, first.encode("utf-8"))
    assert again["summary"]["unchanged"] == 3
