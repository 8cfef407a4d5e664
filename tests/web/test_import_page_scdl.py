"""The curator import page takes an SCDL catalogue CSV (plain HTTP through the Flask client)."""

from __future__ import annotations

import io

from tests.ingest.scdl_csv import EXAMPLE, example_rows, write_csv
from tests.web.conftest import _csrf


def _upload(client, data: bytes, name: str = "catalogue.csv"):
    token = _csrf(client.get("/curator/import/").get_data(as_text=True))
    return client.post("/curator/import/upload", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), name)})


def test_upload_example_csv_creates_the_records(logged_in, svc):
    r = _upload(logged_in, EXAMPLE.read_bytes())
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html[:400]
    assert "Créés : 3" in html and 'href="/datasets/budget-primitif-2024"' in html
    assert svc.records.meta("budget-primitif-2024").publisher == "montfort"


def test_upload_csv_with_a_bad_row_lists_it_in_french(logged_in, svc):
    header, rows = example_rows()
    rows[0]["LICENCE"] = "GPL"
    r = _upload(logged_in, write_csv(header, rows, sep=";", encoding="cp1252"))
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Ligne 2, colonne LICENCE" in html and "Créés : 2" in html


def test_upload_of_a_csv_that_is_not_scdl_is_refused(logged_in, snapshot):
    before = snapshot()
    r = _upload(logged_in, b"nom,prenom\nDupont,Jean\n")
    assert r.status_code == 422
    assert "colonnes SCDL manquantes" in r.get_data(as_text=True)
    assert snapshot() == before


def test_the_page_links_to_the_csv_export_that_reimports_unchanged(logged_in):
    _upload(logged_in, EXAMPLE.read_bytes())
    html = logged_in.get("/curator/import/").get_data(as_text=True)
    assert 'href="/publishers/montfort/catalogue.csv"' in html
    exported = logged_in.get("/publishers/montfort/catalogue.csv").get_data()
    html = _upload(logged_in, exported, "montfort-catalogue.csv").get_data(as_text=True)
    assert "inchangés : 3" in html


def test_a_catalogue_of_another_collectivite_is_flagged(logged_in):
    # The example file is Rennes Métropole's (SIREN 243500139); the curator is Montfort's.
    html = _upload(logged_in, EXAMPLE.read_bytes()).get_data(as_text=True)
    assert "COLL_SIRET 24350013900189 (SIREN 243500139) n&#39;est pas celui de" in html
