"""The records API repairs only when asked (``?repair=1``): without it a format given as
text is refused (422) as before; with it the record is written and the answer lists the
repairs; a write refused after repair still lists them."""

from __future__ import annotations

from tests.conftest import post_ttl

CSV_IRI = "<http://publications.europa.eu/resource/authority/file-type/CSV>"


def _broken(valid_ttl: str) -> str:
    return valid_ttl.replace(CSV_IRI, '"CSV"').replace('"2024-01-15"^^xsd:date',
                                                       '"15/01/2024"')


def test_text_format_refused_without_repair(client, auth, valid_ttl):
    response = post_ttl(client, _broken(valid_ttl), auth)
    assert response.status_code == 422
    assert "repairs" not in response.get_json()


def test_repair_on_request_writes_and_reports(client, auth, valid_ttl):
    response = post_ttl(client, _broken(valid_ttl), auth, query_string={"repair": "1"})
    assert response.status_code == 201, response.get_json()
    changes = {(r["property"], r["before"], r["after"]) for r in response.get_json()["repairs"]}
    assert ("dct:format", '"CSV"', CSV_IRI.strip("<>")) in changes
    assert ("dct:issued", '"15/01/2024"', '"2024-01-15"^^date') in changes


def test_refused_after_repair_still_lists_the_repairs(client, auth, valid_ttl):
    body = _broken(valid_ttl).replace(
        '  dct:description "Liste des délibérations adoptées par le conseil municipal."@fr ;\n',
        "")
    response = post_ttl(client, body, auth, query_string={"repair": "1"})
    assert response.status_code == 422
    assert response.content_type.startswith("application/problem+json")
    assert {r["property"] for r in response.get_json()["repairs"]} >= {"dct:format"}
