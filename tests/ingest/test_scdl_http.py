"""POST /publishers/{id}/import and GET /publishers/{id}/catalogue.csv over HTTP."""

from __future__ import annotations

import io

import pytest

from service.auth.tokens import create_token
from service.catalog.publishers import add_publisher
from tests.conftest import BASE
from tests.ingest.test_scdl_import import EXAMPLE, FILES


@pytest.fixture
def rennes(svc):
    return add_publisher(svc.store, BASE, "rennes-metropole", "Rennes Métropole", "243500139")


@pytest.fixture
def rennes_auth(svc, rennes) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(svc.store, rennes)}"}


URL = "/publishers/rennes-metropole/import"


def test_text_csv_import_then_export_round_trip(client, rennes_auth):
    r = client.post(URL, data=EXAMPLE.read_bytes(),
                    headers={**rennes_auth, "Content-Type": "text/csv; charset=utf-8"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["summary"]["created"] == 3
    exported = client.get("/publishers/rennes-metropole/catalogue.csv")
    assert exported.status_code == 200
    assert exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    again = client.post(URL, data=exported.data, headers={**rennes_auth,
                                                           "Content-Type": "text/csv"})
    assert again.get_json()["summary"]["unchanged"] == 3
    assert client.get("/publishers/rennes-metropole/catalogue.csv").data == exported.data


def test_multipart_upload_with_bad_rows_is_207_with_lines(client, rennes_auth):
    r = client.post(URL, headers=rennes_auth, content_type="multipart/form-data", data={
        "file": (io.BytesIO((FILES / "bad-rows.csv").read_bytes()), "catalogue.csv")})
    assert r.status_code == 207
    body = r.get_json()
    assert body["summary"]["created"] == 1
    assert {e["line"] for e in body["row_errors"]} == {3, 4, 5, 6, 7}


def test_rdf_body_goes_to_the_rdf_importer(client, rennes_auth, valid_ttl):
    r = client.post(URL, data=valid_ttl.encode(),
                    headers={**rennes_auth, "Content-Type": "text/turtle"})
    assert r.status_code == 200 and r.get_json()["summary"]["created"] == 1


@pytest.mark.parametrize("headers, data, status, needle", [
    ({"Content-Type": "application/pdf"}, b"%PDF", 415, "text/csv"),
    ({"Content-Type": "text/csv"}, b"", 400, "vide"),
    ({"Content-Type": "text/csv"}, b"ID;TITRE\r\na;b\r\n", 422, "COLL_NOM"),
])
def test_unreadable_input_is_a_problem(client, rennes_auth, headers, data, status, needle):
    r = client.post(URL, data=data, headers={**rennes_auth, **headers})
    assert r.status_code == status
    assert r.mimetype == "application/problem+json"
    assert needle in r.get_json()["detail"]


def test_tokens(client, rennes, auth):
    body = {"data": EXAMPLE.read_bytes(), "headers": {"Content-Type": "text/csv"}}
    assert client.post(URL, **body).status_code == 401
    other = client.post(URL, data=body["data"], headers={**auth, "Content-Type": "text/csv"})
    assert other.status_code == 403  # montfort's token, rennes-metropole's catalogue
    assert client.get("/publishers/rennes-metropole/catalogue.csv").data.count(b"\r\n") == 1


def test_unknown_publisher_is_404(client, rennes_auth):
    r = client.post("/publishers/nobody/import", data=b"x",
                    headers={**rennes_auth, "Content-Type": "text/csv"})
    assert r.status_code == 404
    assert client.get("/publishers/nobody/catalogue.csv").status_code == 404
