"""Records over HTTP: create, negotiate, replace, delete, validate — on a real store."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from tests.conftest import BASE, post_ttl

FORMATS = [
    ("ttl", "text/turtle", "turtle"),
    ("rdf", "application/rdf+xml", "xml"),
    ("jsonld", "application/ld+json", "json-ld"),
    ("nt", "application/n-triples", "nt"),
]


@pytest.fixture
def created(client, auth, valid_ttl):
    response = post_ttl(client, valid_ttl, auth)
    assert response.status_code == 201, response.json
    return response


def test_create_returns_location_and_report(created):
    assert created.headers["Location"] == f"{BASE}/datasets/deliberations-montfort"
    body = created.json
    assert body["id"] == "deliberations-montfort"
    assert body["outcome"] == "created"
    assert body["validation"]["conforms"] is True


@pytest.mark.parametrize(("suffix", "media_type", "rdflib_format"), FORMATS)
def test_read_by_suffix_and_accept(client, created, suffix, media_type, rdflib_format):
    by_suffix = client.get(f"/datasets/deliberations-montfort.{suffix}")
    by_accept = client.get("/datasets/deliberations-montfort", headers={"Accept": media_type})
    for response in (by_suffix, by_accept):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
        graph = Graph().parse(data=response.data, format=rdflib_format)
        node = URIRef(f"{BASE}/datasets/deliberations-montfort")
        assert (node, DCTERMS.title, None) in graph
    assert Graph().parse(data=by_suffix.data, format=rdflib_format).isomorphic(
        Graph().parse(data=by_accept.data, format=rdflib_format))


def test_html_view_for_browsers(client, created):
    response = client.get("/datasets/deliberations-montfort",
                          headers={"Accept": "text/html,application/xhtml+xml;q=0.9"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Délibérations du conseil municipal" in page
    assert 'rel="alternate" type="text/turtle"' in page


def test_conditional_get(client, created):
    first = client.get("/datasets/deliberations-montfort.ttl")
    again = client.get("/datasets/deliberations-montfort.ttl",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_stored_record_shape(client, created):
    graph = Graph().parse(data=client.get("/datasets/deliberations-montfort.nt").data,
                          format="nt")
    node = URIRef(f"{BASE}/datasets/deliberations-montfort")
    assert graph.value(node, DCTERMS.publisher) == URIRef(f"{BASE}/publishers/montfort")
    # Blank nodes are skolemised under the record.
    assert not any(n.startswith("_:") for t in graph for n in t if not isinstance(n, URIRef)
                   and n.__class__.__name__ == "BNode")
    dist = graph.value(node, DCAT.distribution)
    assert str(dist).startswith(f"{BASE}/datasets/deliberations-montfort#")


def test_identifier_added_when_missing_and_kept(client, auth, valid_ttl):
    body = valid_ttl.replace('dct:identifier "deliberations-montfort" ;', "")
    response = post_ttl(client, body, auth)
    assert response.status_code == 201
    iri = response.json["iri"]
    graph = Graph().parse(data=client.get(f"/datasets/{response.json['id']}.ttl").data)
    assert [str(o) for o in graph.objects(URIRef(iri), DCTERMS.identifier)] == [iri]
    # A PUT without identifier keeps the stored one.
    put = client.put(f"/datasets/{response.json['id']}", data=body.replace("conseil", "Conseil"),
                     headers={"Content-Type": "text/turtle", **auth})
    assert put.status_code == 200
    graph = Graph().parse(data=client.get(f"/datasets/{response.json['id']}.ttl").data)
    assert [str(o) for o in graph.objects(URIRef(iri), DCTERMS.identifier)] == [iri]


def test_harvested_iri_is_kept(client, auth, valid_ttl):
    body = valid_ttl.replace("[] a dcat:Dataset", "<https://data.example.fr/ds/42> a dcat:Dataset")
    response = post_ttl(client, body, auth)
    assert response.status_code == 201
    assert response.json["iri"] == "https://data.example.fr/ds/42"
    graph = Graph().parse(data=client.get(f"/datasets/{response.json['id']}.ttl").data)
    assert (URIRef("https://data.example.fr/ds/42"), DCTERMS.title, None) in graph


def test_put_replaces_and_unchanged_is_noop(client, auth, created, valid_ttl):
    same = client.put("/datasets/deliberations-montfort", data=valid_ttl,
                      headers={"Content-Type": "text/turtle", **auth})
    assert same.json["outcome"] == "unchanged"
    changed = client.put("/datasets/deliberations-montfort",
                         data=valid_ttl.replace("Liste des", "Registre des"),
                         headers={"Content-Type": "text/turtle", **auth})
    assert changed.status_code == 200 and changed.json["outcome"] == "updated"
    text = client.get("/datasets/deliberations-montfort.ttl").get_data(as_text=True)
    assert "Registre des" in text and "Liste des" not in text


def test_delete(client, auth, created):
    assert client.delete("/datasets/deliberations-montfort", headers=auth).status_code == 204
    assert client.get("/datasets/deliberations-montfort").status_code == 404
    assert client.get("/datasets").json["total"] == 0


def test_publisher_from_token_not_from_document(client, auth, valid_ttl):
    body = valid_ttl.replace(
        "[] a dcat:Dataset ;",
        '[] a dcat:Dataset ; dct:publisher [ a <http://xmlns.com/foaf/0.1/Agent> ; '
        '<http://xmlns.com/foaf/0.1/name> "Autre" ] ;')
    response = post_ttl(client, body, auth)
    assert response.status_code == 201
    text = client.get(f"/datasets/{response.json['id']}.ttl").get_data(as_text=True)
    assert "Autre" not in text and f"{BASE}/publishers/montfort" in text


def test_warnings_are_stored_and_returned(client, auth, valid_ttl):
    body = valid_ttl.replace("dct:spatial <http://id.insee.fr/geo/commune/35188> ;", "")
    response = post_ttl(client, body, auth)
    assert response.status_code == 201
    assert response.json["validation"]["warnings"] >= 1
    listing = client.get("/datasets").json["items"]
    assert listing[0]["warnings"] == response.json["validation"]["warnings"]


def test_violation_is_refused_with_report(client, auth, valid_ttl, snapshot):
    before = snapshot()
    body = valid_ttl.replace('dct:title "Délibérations du conseil municipal"@fr ;', "")
    response = post_ttl(client, body, auth)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    paths = {r["path"] for r in response.json["results"] if r["severity"] == "Violation"}
    assert str(DCTERMS.title) in paths
    assert all(r["message"]["fr"] and r["message"]["en"] for r in response.json["results"])
    assert snapshot() == before


def test_validate_stores_nothing(client, valid_ttl, snapshot):
    before = snapshot()
    response = client.post("/validate", data=valid_ttl,
                           headers={"Content-Type": "text/turtle"})
    assert response.status_code == 200
    assert response.json["conforms"] is True
    bad = client.post("/validate", data=valid_ttl.replace('"2024-01-15"', '"2024-02-30"'),
                      headers={"Content-Type": "text/turtle"})
    assert bad.status_code == 200 and bad.json["conforms"] is False
    assert snapshot() == before


def test_health_and_home(client, created):
    assert client.get("/health").json == {"status": "ok", "records": 1}
    home = client.get("/")
    assert home.status_code == 200
    assert "Délibérations du conseil municipal" in home.get_data(as_text=True)


def test_skolem_iris_are_stable_and_distinct(svc, publisher):
    from service.rdf.formats import TURTLE
    from service.rdf.parse import parse_rdf
    from service.rdf.records import single_record, skolemise

    body = VALID_SKOLEM.encode()
    first = skolemise(single_record(parse_rdf(body, TURTLE)).graph, "http://x/d#")
    second = skolemise(single_record(parse_rdf(body, TURTLE)).graph, "http://x/d#")
    assert set(first) == set(second)  # same content, same IRIs
    dists = {o for o in first.objects(None, DCAT.distribution)}
    assert len(dists) == 3  # identical distributions stay three nodes


VALID_SKOLEM = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
<http://x/d> a dcat:Dataset ; dcat:distribution [ a dcat:Distribution ] ,
  [ a dcat:Distribution ] , [ a dcat:Distribution ; dcat:accessURL <http://x/f.csv> ] ."""


def test_read_back_and_put_unchanged_keeps_datatypes(client, auth, valid_ttl):
    body = valid_ttl.replace(
        "dcat:downloadURL <https://data.montfort-sur-meu.fr/deliberations.csv> ;",
        'dcat:downloadURL <https://data.montfort-sur-meu.fr/deliberations.csv> ;\n'
        '    dcat:byteSize "2048"^^xsd:nonNegativeInteger ;')
    assert post_ttl(client, body, auth).status_code == 201
    served = client.get("/datasets/deliberations-montfort.ttl").data
    assert b"nonNegativeInteger" in served
    again = client.put("/datasets/deliberations-montfort", data=served,
                       headers={"Content-Type": "text/turtle", **auth})
    assert again.status_code == 200, again.json
    assert again.json["outcome"] == "unchanged"


def test_identifier_of_another_record_is_a_409(client, auth, other_token, valid_ttl):
    """Issue 17 defect 6: one publisher's records have distinct dct:identifier values
    (data.gouv.fr fails a second dataset with the same one)."""
    first = valid_ttl.replace("[] a dcat:Dataset", "<https://data.example.fr/ds/1> a dcat:Dataset")
    assert post_ttl(client, first, auth).status_code == 201
    second = first.replace("/ds/1>", "/ds/2>")
    response = post_ttl(client, second, auth)
    assert response.status_code == 409
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json
    assert (problem["identifier"], problem["record"], problem["record_iri"]) == (
        "deliberations-montfort", "deliberations-montfort", "https://data.example.fr/ds/1")
    assert "« deliberations-montfort » est déjà celui de l'enregistrement" in problem["detail_fr"]
    assert client.get("/datasets/deliberations-montfort").status_code == 200
    # Another publisher may use the same identifier.
    other = {"Authorization": f"Bearer {other_token}"}
    assert post_ttl(client, second, other).status_code == 201
    # A PUT taking another record's identifier is refused too, and changes nothing.
    third = first.replace("/ds/1>", "/ds/3>").replace('"deliberations-montfort"', '"autre"')
    created = post_ttl(client, third, auth)
    assert created.status_code == 201
    put = client.put(f"/datasets/{created.json['id']}",
                     data=third.replace('"autre"', '"deliberations-montfort"'),
                     headers={"Content-Type": "text/turtle", **auth})
    assert put.status_code == 409 and put.json["record"] == "deliberations-montfort"
