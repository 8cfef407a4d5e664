"""POST /publishers/{id}/import and GET /publishers/{id}/catalogue.csv over HTTP."""

from __future__ import annotations

import io

from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic

from service.catalog.bookkeeping import list_records
from service.rdf.namespaces import DCTERMS
from tests.ingest.scdl_csv import EXAMPLE, example_rows, write_csv

URL = "/publishers/montfort/import"


def _post(client, data: bytes, headers: dict, content_type: str = "text/csv; charset=utf-8"):
    return client.post(URL, data=data, headers={"Content-Type": content_type, **headers})


def _is_problem(r, status: int) -> dict:
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.content_type.startswith("application/problem+json")
    return r.get_json()


def test_csv_body_is_imported_with_a_report(client, auth, svc):
    r = _post(client, EXAMPLE.read_bytes(), auth)
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert body["summary"]["created"] == 3 and body["row_errors"] == []
    assert svc.records.meta("budget-primitif-2024").publisher == "montfort"


def test_multipart_cp1252_with_a_bad_row_is_207_and_keeps_the_good_ones(client, auth, svc):
    header, rows = example_rows()
    rows[2]["NOMBRE_RESSOURCES"] = "0"
    r = client.post(URL, headers=auth, content_type="multipart/form-data", data={
        "file": (io.BytesIO(write_csv(header, rows, sep=";", encoding="cp1252")),
                 "catalogue.csv")})
    assert r.status_code == 207, r.get_data(as_text=True)
    body = r.get_json()
    assert body["summary"] == {"created": 2, "updated": 0, "unchanged": 0, "failed": 1}
    assert body["row_errors"][0]["line"] == 4
    assert body["row_errors"][0]["column"] == "NOMBRE_RESSOURCES"
    assert "minimum" in body["row_errors"][0]["message_fr"]


def test_rdf_body_goes_to_the_rdf_import(client, auth, valid_ttl, svc):
    r = _post(client, valid_ttl.encode(), auth, "text/turtle")
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["summary"]["created"] == 1


def test_unreadable_input_is_a_problem_and_writes_nothing(client, auth, snapshot):
    before = snapshot()
    p = _is_problem(_post(client, b"nom,prenom\nDupont,Jean\n", auth), 422)
    assert "COLL_NOM" in p["detail_fr"] and p["line"] == 1
    p = _is_problem(_post(client, b"%PDF-1.4", auth, "application/pdf"), 415)
    assert "application/pdf" in p["detail_en"]
    _is_problem(_post(client, b"", auth), 400)
    p = _is_problem(_post(client, b"@prefix x: <y> .\n[] x:p oops .", auth, "text/turtle"), 400)
    assert "line" in p
    _is_problem(client.post(URL, headers=auth, content_type="multipart/form-data",
                            data={"other": "x"}), 400)
    assert snapshot() == before


def test_tokens_are_required_and_scoped(client, token, other_token, snapshot):
    before = snapshot()
    _is_problem(_post(client, EXAMPLE.read_bytes(), {}), 401)
    _is_problem(_post(client, EXAMPLE.read_bytes(), {"Authorization": "Bearer nope"}), 401)
    p = _is_problem(_post(client, EXAMPLE.read_bytes(),
                          {"Authorization": f"Bearer {other_token}"}), 403)
    assert "iffendic" in p["detail_fr"]
    r = client.post("/publishers/nulle-part/import", data=EXAMPLE.read_bytes(),
                    headers={"Content-Type": "text/csv", "Authorization": f"Bearer {token}"})
    _is_problem(r, 404)  # publishers are public: an unknown one is said so
    assert snapshot() == before


def _record_graphs(svc) -> dict[str, Graph]:
    return {m.id: svc.records.graph(m)
            for m in list_records(svc.store, publisher="montfort", limit=1000)}


def test_import_export_import_is_stable(client, auth, svc, valid_ttl):
    assert _post(client, EXAMPLE.read_bytes(), auth).status_code == 200
    first = client.get("/publishers/montfort/catalogue.csv")
    assert first.status_code == 200 and first.content_type == "text/csv; charset=utf-8"
    text = first.get_data(as_text=True)
    header = text.split("\r\n", 1)[0]
    assert header == ("COLL_NOM,COLL_SIRET,ID,TITRE,DESCRIPTION,THEME,PRODUCTEUR_NOM,"
                      "PRODUCTEUR_SIRET,COUV_SPAT_MAILLE,COUV_SPAT_NOM,COUV_TEMP_DEBUT,"
                      "COUV_TEMP_FIN,DATE_PUBL,FREQ_MAJ,DATE_MAJ,MOTS_CLES,LICENCE,"
                      "NOMBRE_RESSOURCES,FORMAT_RESSOURCES,URL")
    # The exported rows are the imported ones, cell for cell (rows sorted by ID).
    _, original = example_rows()
    exported = list(__import__("csv").DictReader(io.StringIO(text)))
    assert sorted(original, key=lambda r: r["ID"]) == exported
    before = {k: to_isomorphic(g) for k, g in _record_graphs(svc).items()}
    again = _post(client, first.get_data(), auth)
    assert again.get_json()["summary"]["unchanged"] == 3
    after = {k: to_isomorphic(g) for k, g in _record_graphs(svc).items()}
    assert before == after
    assert client.get("/publishers/montfort/catalogue.csv").get_data() == first.get_data()


def test_records_from_rdf_are_exported_and_reimport_stably(client, auth, svc, valid_ttl):
    assert _post(client, valid_ttl.encode(), auth, "text/turtle").status_code == 200
    first = client.get("/publishers/montfort/catalogue.csv").get_data()
    row = next(__import__("csv").DictReader(io.StringIO(first.decode())))
    assert row["ID"] == "deliberations-montfort" and row["LICENCE"] == "Licence Ouverte-LO"
    assert row["TITRE"] and row["FORMAT_RESSOURCES"] == "csv"
    second = client.get("/publishers/montfort/catalogue.csv").get_data()
    assert first == second


def test_export_of_an_unknown_publisher_is_404(client):
    _is_problem(client.get("/publishers/nulle-part/catalogue.csv"), 404)


def test_formula_cells_are_exported_as_text_and_round_trip(client, auth, svc):
    header, rows = example_rows()
    rows[0]["DESCRIPTION"] = '=HYPERLINK("http://evil.example","x")'
    rows[0]["TITRE"] = "@Prénoms 2017"
    assert _post(client, write_csv(header, rows), auth).status_code == 200
    meta = svc.records.meta("prenoms-des-nouveaux-nes-a-rennes-en-2017")
    stored = svc.records.graph(meta).value(URIRef(meta.iri), DCTERMS.description)
    assert str(stored).startswith("=HYPERLINK")
    first = client.get("/publishers/montfort/catalogue.csv").get_data()
    exported = next(r for r in __import__("csv").DictReader(io.StringIO(first.decode()))
                    if r["ID"] == meta.id)
    assert exported["DESCRIPTION"].startswith("'=HYPERLINK")
    assert exported["TITRE"] == "'@Prénoms 2017"
    again = _post(client, first, auth)
    assert again.get_json()["summary"]["unchanged"] == 3
    assert client.get("/publishers/montfort/catalogue.csv").get_data() == first


def test_unsafe_rdf_is_refused_like_on_post_datasets(client, auth, snapshot):
    before = snapshot()
    remote = b'{"@context": "http://127.0.0.1:9/ctx.jsonld", "@id": "x"}'
    _is_problem(_post(client, remote, auth, "application/ld+json"), 400)
    xxe = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>')
    r = client.post(URL, headers=auth, content_type="multipart/form-data",
                    data={"file": (io.BytesIO(xxe), "catalogue.rdf")})
    _is_problem(r, 400)
    assert snapshot() == before
