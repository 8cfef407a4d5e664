"""IRI ownership through the records API (issue 21 item 1): publisher iffendic cannot take or
describe what montfort, the service or another record owns; labels it adds to shared
vocabulary IRIs are dropped with a report line. Each refusal leaves the store unchanged."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from tests.conftest import BASE, post_ttl
from tests.records.ownership_cases import (
    CASES,
    HIJACK,
    P1_ID,
    P1_JSON,
    PREFIXES,
    Case,
    dataset,
    p1_record,
    with_node,
)


@pytest.fixture
def p1_node(client, auth) -> str:
    """montfort's record is created; one of its skolemised nodes (the contact point)."""
    response = post_ttl(client, p1_record(), auth)
    assert response.status_code == 201, response.json
    graph = Graph().parse(data=client.get(f"/datasets/{P1_ID}.nt").data, format="nt")
    node = graph.value(URIRef(f"{BASE}/datasets/{P1_ID}"), DCAT.contactPoint)
    assert str(node).startswith(f"{BASE}/datasets/{P1_ID}#")
    return str(node)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_other_publisher_cannot_take_iris(client, p1_node, other_token, snapshot, case: Case):
    other = {"Authorization": f"Bearer {other_token}"}
    before = snapshot()
    response = post_ttl(client, with_node(case, p1_node), other)
    assert response.status_code == case.status, response.json
    if case.status != 201:
        assert response.mimetype == "application/problem+json"
        problem = response.json
        assert case.shows in problem["detail_fr"] and case.shows in problem["detail_en"]
        assert snapshot() == before
        return
    # Created: statements about the shared licence and theme were dropped, and said so.
    dropped = {d["subject"]: d["triples"] for d in response.json["dropped"]}
    assert dropped == {case.shows: 1,
                       "http://publications.europa.eu/resource/authority/data-theme/GOVE": 1}
    assert all(d["detail_fr"] and d["detail_en"] for d in response.json["dropped"])
    for path in (f"/datasets/{response.json['id']}.nt", "/catalog.nt"):
        assert HIJACK not in client.get(path).get_data(as_text=True), path


def test_takeover_attempts_leave_the_feed_as_it_was(client, p1_node, other_token):
    """None of montfort's, the service's or another record's nodes became a dataset."""
    other = {"Authorization": f"Bearer {other_token}"}
    for case in CASES:
        post_ttl(client, with_node(case, p1_node), other)
    feed = Graph().parse(data=client.get("/catalog.nt").data, format="nt")
    datasets = {str(s) for s in feed.subjects(None, DCAT.Dataset)}
    assert datasets == {f"{BASE}/datasets/{P1_ID}", f"{BASE}/datasets/vocab"}


def test_future_record_iri_stays_free_for_its_owner(client, auth, other_token):
    """iffendic cannot reserve BASE/datasets/future1; montfort then creates it with its own
    identifier (it got 409 before)."""
    other = {"Authorization": f"Bearer {other_token}"}
    taken = post_ttl(client, PREFIXES + dataset("autre", f"<{BASE}/datasets/future1>"), other)
    assert taken.status_code == 400
    mine = post_ttl(client, PREFIXES + dataset("future1"), auth)
    assert mine.status_code == 201, mine.json
    assert mine.headers["Location"] == f"{BASE}/datasets/future1"
    # A dataset IRI BASE/datasets/{id} is the record's own when {id} is its free local id.
    own = post_ttl(client, PREFIXES + dataset("restored-7", f"<{BASE}/datasets/restored-7>"),
                   other)
    assert own.status_code == 201 and own.json["id"] == "restored-7", own.json


def test_same_publisher_may_share_an_outside_iri(client, auth, p1_node):
    """Ownership is per publisher: montfort's second record may describe its own node."""
    body = PREFIXES + dataset(
        "second", relation=f"dcat:distribution <{P1_JSON}>",
        extra=f'<{P1_JSON}> a dcat:Distribution ; dct:title "JSON"@fr ;\n'
              f"  dcat:accessURL <{P1_JSON}.json> .\n")
    assert post_ttl(client, body, auth).status_code == 201


def test_validate_reports_dropped_statements(client, auth):
    case = next(c for c in CASES if c.name == "vocabulary-labels")
    response = client.post("/validate", data=with_node(case, ""),
                           headers={"Content-Type": "text/turtle"})
    assert response.status_code == 200
    assert {d["subject"] for d in response.json["dropped"]} >= {case.shows}


SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"


def with_checksum(ident: str) -> str:
    """A dataset whose distribution carries a SHA-256 checksum, typing the SPDX algorithm
    (as the shared generator's and data.gouv.fr's exports do)."""
    body = dataset(ident).replace(
        "dcat:Distribution ;",
        "dcat:Distribution ;\n    spdx:checksum [ a spdx:Checksum ; spdx:algorithm "
        f"<{SHA256}> ;\n      spdx:checksumValue \"{'ab' * 32}\"^^xsd:hexBinary ] ;", 1)
    return (PREFIXES + "@prefix spdx: <http://spdx.org/rdf/terms#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + body
            + f"<{SHA256}> a spdx:ChecksumAlgorithm .\n")


def test_checksum_algorithm_is_nobodys(client, auth, other_token):
    """The SPDX algorithm a checksum names is a shared vocabulary value: typing it does not
    make it the first publisher's (iffendic got 409 before), nor a subject every later write
    looks up across all the records that type it (what made one write scale with the store)."""
    first = post_ttl(client, with_checksum("sums-montfort"), auth)
    assert first.status_code == 201, first.json
    other = post_ttl(client, with_checksum("sums-iffendic"),
                     {"Authorization": f"Bearer {other_token}"})
    assert other.status_code == 201, other.json
    for rid in ("sums-montfort", "sums-iffendic"):
        text = client.get(f"/datasets/{rid}.nt").get_data(as_text=True)
        assert f"<{SHA256}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in text
