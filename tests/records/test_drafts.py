"""Drafts over the records API: saved non-public (validated, reported), invisible in the feed,
search, SPARQL and public pages, readable and publishable by their publisher only, their IRI
and identifier reserved to that publisher (docs/api.md, "Drafts and quarantine")."""

from __future__ import annotations

import pytest

from tests.conftest import BASE, VALID_TTL, post_ttl

DRAFT_ID = "deliberations-montfort"
# The valid record without its description: one violation.
INVALID_TTL = "\n".join(line for line in VALID_TTL.splitlines()
                        if not line.startswith("  dct:description"))


def _everywhere(client) -> str:
    """What the public sees: feed, SPARQL, search page, dataset page, records list."""
    parts = [client.get("/catalog.nt").get_data(as_text=True)]
    # External stores keep tombstones of deleted graphs (a record leaving the feed) for
    # other processes: they name the id, nothing of the record.
    query = ("SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } "
             'FILTER(STR(?g) != "urn:socle:graph:generation") }')
    sparql = client.post("/sparql", data={"query": query},
                         headers={"Accept": "application/sparql-results+json"})
    assert sparql.status_code == 200
    parts.append(sparql.get_data(as_text=True))
    parts.append(client.get("/search?q=délibérations").get_data(as_text=True))
    parts.append(client.get("/datasets").get_data(as_text=True))
    return "\n".join(parts)


@pytest.fixture
def draft(client, auth):
    response = post_ttl(client, INVALID_TTL, auth, query_string={"status": "draft"})
    assert response.status_code == 201, response.json
    return response.json


def test_a_draft_is_saved_with_its_report_even_with_violations(draft):
    assert draft["status"] == "draft"
    assert draft["id"] == DRAFT_ID
    assert draft["validation"]["violations"] == 1


def test_a_draft_is_invisible_to_the_public(client, draft):
    seen = _everywhere(client)
    assert "Délibérations du conseil municipal" not in seen
    assert DRAFT_ID not in seen
    assert client.get(f"/datasets/{DRAFT_ID}").status_code == 404
    assert client.get(f"/datasets/{DRAFT_ID}.ttl").status_code == 404


def test_its_publisher_lists_and_reads_it_with_the_fix_list(client, auth, other_token, draft):
    listed = client.get("/datasets?status=draft", headers=auth).json
    assert listed["total"] == 1
    [item] = listed["items"]
    assert item["id"] == DRAFT_ID and item["status"] == "draft"
    assert item["fixes"][0]["fr"].startswith("Ajoutez une description")
    read = client.get(f"/datasets/{DRAFT_ID}.ttl", headers=auth)
    assert read.status_code == 200 and read.headers["Socle-Status"] == "draft"
    assert "no-store" in read.headers["Cache-Control"]
    other = {"Authorization": f"Bearer {other_token}"}
    assert client.get(f"/datasets/{DRAFT_ID}.ttl", headers=other).status_code == 404
    assert client.get("/datasets?status=draft", headers=other).json["total"] == 0
    assert client.get("/datasets?status=draft").status_code == 401
    assert client.get("/datasets?status=nope", headers=auth).status_code == 400


def test_publishing_an_invalid_draft_is_refused_and_changes_nothing(client, auth, draft,
                                                                    snapshot):
    before = snapshot()
    refused = client.post(f"/datasets/{DRAFT_ID}/publish", headers=auth)
    assert refused.status_code == 422
    assert refused.mimetype == "application/problem+json"
    assert snapshot() == before
    assert client.get("/datasets?status=draft", headers=auth).json["total"] == 1


def test_fixed_then_published_it_reaches_the_feed(client, auth, draft):
    saved = client.put(f"/datasets/{DRAFT_ID}?status=draft", data=VALID_TTL,
                       headers={"Content-Type": "text/turtle", **auth})
    assert saved.status_code == 200 and saved.json["status"] == "draft"
    assert saved.json["validation"]["conforms"] is True
    assert DRAFT_ID not in _everywhere(client)
    published = client.post(f"/datasets/{DRAFT_ID}/publish", headers=auth)
    assert published.status_code == 200, published.json
    assert published.json["status"] == "public"
    assert client.get("/datasets?status=draft", headers=auth).json["total"] == 0
    assert client.get(f"/datasets/{DRAFT_ID}.ttl").status_code == 200
    assert f"{BASE}/datasets/{DRAFT_ID}" in client.get("/catalog.nt").get_data(as_text=True)


def test_put_without_status_publishes_a_draft(client, auth, draft):
    published = client.put(f"/datasets/{DRAFT_ID}", data=VALID_TTL,
                           headers={"Content-Type": "text/turtle", **auth})
    assert published.status_code == 200, published.json
    assert published.json["status"] == "public"
    assert client.get("/datasets").json["total"] == 1


def test_a_drafts_identifier_and_iri_are_reserved_to_its_publisher(client, auth, other_token,
                                                                   draft):
    other = {"Authorization": f"Bearer {other_token}"}
    again = post_ttl(client, VALID_TTL, auth)
    assert again.status_code == 409  # its own: "use PUT"
    by_iri = VALID_TTL.replace("[] a dcat:Dataset", f"<{BASE}/datasets/{DRAFT_ID}> a dcat:Dataset")
    assert post_ttl(client, by_iri, other).status_code in (400, 403, 409)
    outside = "<https://data.example.fr/ds/1>"
    mine = post_ttl(client, VALID_TTL.replace("[] a dcat:Dataset", f"{outside} a dcat:Dataset")
                    .replace(DRAFT_ID, "autre"), auth, query_string={"status": "draft"})
    assert mine.status_code == 201, mine.json
    theirs = post_ttl(client, VALID_TTL.replace("[] a dcat:Dataset", f"{outside} a dcat:Dataset")
                      .replace(DRAFT_ID, "encore"), other)
    assert theirs.status_code in (403, 409)


def test_a_draft_is_deleted_by_its_publisher(client, auth, draft):
    assert client.delete(f"/datasets/{DRAFT_ID}", headers=auth).status_code == 204
    assert client.get("/datasets?status=draft", headers=auth).json["total"] == 0


def test_a_public_record_saved_as_draft_leaves_the_feed(client, auth):
    assert post_ttl(client, VALID_TTL, auth).status_code == 201
    saved = client.put(f"/datasets/{DRAFT_ID}?status=draft", data=VALID_TTL,
                       headers={"Content-Type": "text/turtle", **auth})
    assert saved.status_code == 200 and saved.json["status"] == "draft"
    assert DRAFT_ID not in _everywhere(client)


def test_another_record_may_not_describe_a_drafts_iri(client, auth, other_token):
    outside = "https://data.example.fr/ds/brouillon"
    draft = post_ttl(client, VALID_TTL.replace("[] a dcat:Dataset", f"<{outside}> a dcat:Dataset"),
                     auth, query_string={"status": "draft"})
    assert draft.status_code == 201, draft.json
    other = {"Authorization": f"Bearer {other_token}"}
    meddling = VALID_TTL.replace('"deliberations-montfort"', '"autre"') + (
        f'<{outside}> <http://purl.org/dc/terms/title> "Volé"@fr .\n')
    refused = post_ttl(client, meddling.replace("dcat:keyword", f"dct:relation <{outside}> ;\n"
                                                "  dcat:keyword"), other)
    assert refused.status_code in (400, 409), refused.json
