"""SCDL catalogue CSV import through import_csv, on a real Oxigraph store (docs/scdl.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from service.app import build_services
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.errors import NotFound, SocleError
from service.ingest.scdl import import_csv
from service.rdf.namespaces import DCAT, DCTERMS
from tests.conftest import BASE
from tests.ingest.scdl_csv import EXAMPLE, example_rows, write_csv

EU = "http://publications.europa.eu/resource/authority/"
LO = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")


def _dump(svc) -> bytes:
    import io
    out = io.BytesIO()
    svc.store.dump(out)
    return b"\n".join(sorted(out.getvalue().splitlines()))


def test_example_file_is_imported_and_mapped(hsvc):
    report = import_csv(hsvc.records, "montfort", EXAMPLE.read_bytes())
    assert report["summary"] == {"created": 3, "updated": 0, "unchanged": 0, "failed": 0}
    assert report["row_errors"] == []
    item = report["items"][0]
    assert item["record_id"] == "prenoms-des-nouveaux-nes-a-rennes-en-2017"
    assert item["source"].startswith("ligne 2 / line 2")
    meta = hsvc.records.meta(item["record_id"])
    g = hsvc.records.graph(meta)
    ds = URIRef(meta.iri)
    assert meta.iri == f"{BASE}/datasets/prenoms-des-nouveaux-nes-a-rennes-en-2017"
    assert (ds, DCTERMS.title, Literal("Prénoms des nouveaux-nés à Rennes en 2017", lang="fr")) in g
    assert (ds, DCTERMS.identifier, Literal("prenoms-des-nouveaux-nes-a-rennes-en-2017")) in g
    assert (ds, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/ANNUAL_2")) in g
    assert (ds, DCAT.theme, URIRef(EU + "data-theme/GOVE")) in g
    assert (ds, DCTERMS.spatial, URIRef("http://id.insee.fr/geo/commune/35238")) in g
    assert (ds, DCAT.landingPage, None) in g
    assert {str(k) for k in g.objects(ds, DCAT.keyword)} >= {"scdl", "prenoms",
                                                             "Administration locale"}
    dists = list(g.objects(ds, DCAT.distribution))
    assert len(dists) == 3 and all((d, DCTERMS.license, LO) in g for d in dists)
    assert {str(f).rsplit("/", 1)[1] for d in dists for f in g.objects(d, DCTERMS["format"])} \
        == {"CSV", "XLS", "JSON"}
    assert str(g.value(ds, DCTERMS.issued)) == "2017-06-01"
    assert meta.validation["violations"] == 0
    # Importing the same file again changes nothing.
    again = import_csv(hsvc.records, "montfort", EXAMPLE.read_bytes())
    assert again["summary"]["unchanged"] == 3


def test_cp1252_with_semicolons_gives_the_same_records(hsvc, tmp_path):
    header, rows = example_rows()
    data = write_csv(header, rows, sep=";", encoding="cp1252")
    assert "é".encode("cp1252") in data
    report = import_csv(hsvc.records, "montfort", data)
    assert report["summary"]["created"] == 3
    # The UTF-8 original is the same content: nothing to update.
    again = import_csv(hsvc.records, "montfort", EXAMPLE.read_bytes())
    assert again["summary"]["unchanged"] == 3


def test_bad_rows_are_reported_by_line_and_column_and_good_rows_kept(hsvc):
    header, rows = example_rows()
    rows[0]["DATE_PUBL"] = "2017-02-30"          # line 2: not a date
    rows[1]["FREQ_MAJ"] = "Tous les jours"        # line 3: not in the enum
    rows[1]["TITRE"] = ""                         # line 3: required
    report = import_csv(hsvc.records, "montfort", write_csv(header, rows))
    assert report["summary"] == {"created": 1, "updated": 0, "unchanged": 0, "failed": 2}
    where = {(e["line"], e["column"]): e for e in report["row_errors"]}
    assert set(where) == {(2, "DATE_PUBL"), (3, "FREQ_MAJ"), (3, "TITRE")}
    assert "n'est pas une date" in where[(2, "DATE_PUBL")]["message_fr"]
    assert "valeur permise" in where[(3, "FREQ_MAJ")]["message_fr"]
    assert where[(3, "TITRE")]["message_fr"] == "valeur obligatoire manquante"
    assert where[(3, "TITRE")]["message_en"] == "required value missing"
    failed = [i for i in report["items"] if i["outcome"] == "failed"]
    assert failed[0]["error"]["detail_fr"].startswith("Ligne 2, colonne DATE_PUBL")
    assert [i["outcome"] for i in report["items"]] == ["failed", "failed", "created"]
    with pytest.raises(NotFound):
        hsvc.records.meta("prenoms-des-nouveaux-nes-a-rennes-en-2017")
    assert hsvc.records.meta("budget-primitif-2024").publisher == "montfort"


def test_repeated_id_and_unusable_url_are_row_errors(hsvc):
    header, rows = example_rows()
    rows[1]["ID"] = rows[0]["ID"]
    rows[2]["URL"] = "https://exemple.fr/jeux/{budget}"
    report = import_csv(hsvc.records, "montfort", write_csv(header, rows))
    where = {(e["line"], e["column"]): e for e in report["row_errors"]}
    assert set(where) == {(3, "ID"), (4, "URL")}
    assert "déjà utilisé ligne 2" in where[(3, "ID")]["message_fr"]
    assert report["summary"]["created"] == 1 and report["summary"]["failed"] == 2


@pytest.fixture
def strict_svc(tmp_path):
    """Shapes with one more Violation (titles of at most 40 characters), as an operator may
    add: a row the Table Schema accepts but whose record the shapes refuse."""
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    for ttl in (Path(__file__).resolve().parents[2] / "shapes").glob("*.ttl"):
        shutil.copy(ttl, shapes)
    (shapes / "zz-short-titles.ttl").write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
<urn:test:ShortTitle> a sh:NodeShape ; sh:targetClass dcat:Dataset ;
  sh:property [ sh:path dct:title ; sh:pattern "^.{0,40}$" ; sh:severity sh:Violation ;
    sh:message "Titre trop long (40 caractères au plus)."@fr,
        "Title too long (40 characters at most)."@en ] .
""", encoding="utf-8")
    svc = build_services(Settings(data=str(tmp_path / "data"), base_url=BASE,
                                  shapes_dir=str(shapes)))
    add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")
    yield svc
    svc.store.close()


def test_row_whose_record_fails_validation_is_reported_and_others_kept(strict_svc):
    header, rows = example_rows()
    rows[2]["TITRE"] = "Budget 2024"
    report = import_csv(strict_svc.records, "montfort", write_csv(header, rows))
    assert [i["outcome"] for i in report["items"]] == ["failed", "failed", "created"]
    errors = [e for e in report["row_errors"] if e["line"] == 2]
    assert errors and errors[0]["message_fr"] == "Titre trop long (40 caractères au plus)."
    assert report["items"][0]["error"]["status"] == 422


def test_unknown_publisher_and_unreadable_files_write_nothing(hsvc):
    before = _dump(hsvc)
    with pytest.raises(NotFound):
        import_csv(hsvc.records, "nulle-part", EXAMPLE.read_bytes())
    for data, words in ((b"", "vide"), (b"a,b\n1,2\n", "colonnes SCDL manquantes"),
                        (EXAMPLE.read_bytes().splitlines()[0] + b"\n", "aucune ligne")):
        with pytest.raises(SocleError) as err:
            import_csv(hsvc.records, "montfort", data)
        assert words in err.value.detail_fr and err.value.status == 422
    assert _dump(hsvc) == before


def test_an_id_that_is_no_record_id_still_updates_its_record(hsvc):
    header, rows = example_rows()
    rows[0]["ID"] = "Prénoms 2017 (état civil)"
    first = import_csv(hsvc.records, "montfort", write_csv(header, rows[:1]))
    record_id = first["items"][0]["record_id"]
    assert first["summary"]["created"] == 1 and record_id != rows[0]["ID"]
    rows[0]["TITRE"] = "Prénoms des nouveaux-nés (2017)"
    again = import_csv(hsvc.records, "montfort", write_csv(header, rows[:1]))
    assert again["items"][0]["outcome"] == "updated"
    assert again["items"][0]["record_id"] == record_id


def test_two_publishers_may_use_the_same_id(hsvc):
    add_publisher(hsvc.store, BASE, "iffendic", "Commune d'Iffendic", "213501338")
    a = import_csv(hsvc.records, "montfort", EXAMPLE.read_bytes())
    b = import_csv(hsvc.records, "iffendic", EXAMPLE.read_bytes())
    assert a["summary"]["created"] == b["summary"]["created"] == 3
    ids = {i["record_id"] for i in a["items"]} | {i["record_id"] for i in b["items"]}
    assert len(ids) == 6


def test_notice_when_coll_siret_is_not_the_publishers(hsvc):
    report = import_csv(hsvc.records, "montfort", EXAMPLE.read_bytes())
    assert report["notices"] == [{
        "lines": [2, 3, 4], "lines_total": 3, "column": "COLL_SIRET",
        "message_fr": "COLL_SIRET 24350013900189 (SIREN 243500139) n'est pas celui de "
                      "l'éditeur (SIREN 213501882) : ces lignes sont importées pour votre "
                      "éditeur ; vérifiez qu'il s'agit bien de votre catalogue.",
        "message_en": "COLL_SIRET 24350013900189 (SIREN 243500139) is not the publisher's "
                      "(SIREN 213501882): these rows are imported for your publisher; check "
                      "that this is your catalogue."}]
    header, rows = example_rows()
    for row in rows:
        row["COLL_SIRET"] = "21350188200012"
    assert import_csv(hsvc.records, "montfort", write_csv(header, rows))["notices"] == []
