import csv
from pathlib import Path

from service.ingest.scdl.tableschema import check_row, load_schema

FIX = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "scdl-catalogue"
SCHEMA = load_schema(FIX / "scdl-catalogue-0.1.3.schema.json")


def _rows():
    with open(FIX / "exemple-construit-scdl-catalogue.csv", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_fixture_rows_are_valid():
    for i, row in enumerate(_rows(), start=2):
        assert check_row(SCHEMA, row, i) == []


def test_each_error_kind_names_line_and_column():
    row = dict(_rows()[0])
    row.update(COLL_SIRET="123", TITRE="", COUV_TEMP_DEBUT="2017-13-01",
               LICENCE="GPL", NOMBRE_RESSOURCES="0", URL="pas une url")
    errs = {e.column: e for e in check_row(SCHEMA, row, 7)}
    assert set(errs) == {"COLL_SIRET", "TITRE", "COUV_TEMP_DEBUT", "LICENCE",
                         "NOMBRE_RESSOURCES", "URL"}
    assert all(e.line == 7 for e in errs.values())
    assert "obligatoire" in errs["TITRE"].detail_fr
    assert "motif" in errs["COLL_SIRET"].detail_fr
    assert "date" in errs["COUV_TEMP_DEBUT"].detail_en


def test_siret_check_digit_is_checked_as_the_schema_asks():
    row = dict(_rows()[0])
    row.update(COLL_SIRET="24350013900188", PRODUCTEUR_SIRET="35600000012341")  # La Poste
    errs = check_row(SCHEMA, row, 5)
    assert [(e.line, e.column) for e in errs] == [(5, "COLL_SIRET")]
    assert "SIRET valide" in errs[0].detail_fr and "check digit" in errs[0].detail_en
