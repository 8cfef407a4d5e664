"""`GET /publishers/{id}/catalogue.csv?excel=1`: UTF-8 with a byte order mark and `;`, which
French Excel opens in columns, and which the import takes back unchanged."""

from __future__ import annotations

import csv
import io

from rdflib.compare import to_isomorphic

from tests.ingest.scdl_csv import EXAMPLE
from tests.ingest.test_scdl_http import _post, _record_graphs


def test_excel_export_round_trips(client, auth, svc):
    assert _post(client, EXAMPLE.read_bytes(), auth).status_code == 200
    plain = client.get("/publishers/montfort/catalogue.csv").get_data()
    r = client.get("/publishers/montfort/catalogue.csv?excel=1")
    assert r.status_code == 200 and r.content_type == "text/csv; charset=utf-8"
    assert "excel" in r.headers["Content-Disposition"]
    body = r.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    text = body[3:].decode("utf-8")
    assert text.split("\r\n", 1)[0].startswith("COLL_NOM;COLL_SIRET;ID;TITRE;")
    # The same cells as the plain export, accents intact.
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows == list(csv.DictReader(io.StringIO(plain.decode("utf-8"))))
    assert any("é" in cell for row in rows for cell in row.values())
    # Imported back as it is: nothing changes.
    before = {k: to_isomorphic(g) for k, g in _record_graphs(svc).items()}
    again = _post(client, body, auth)
    assert again.status_code == 200, again.get_data(as_text=True)
    summary = again.get_json()["summary"]
    assert summary["unchanged"] == len(rows) and summary["failed"] == 0
    assert {k: to_isomorphic(g) for k, g in _record_graphs(svc).items()} == before
    assert client.get("/publishers/montfort/catalogue.csv").get_data() == plain


def test_import_page_offers_the_excel_version(logged_in):
    html = logged_in.get("/curator/import/").get_data(as_text=True)
    assert 'href="/publishers/montfort/catalogue.csv?excel=1"' in html
