"""Scores kept on write, as DQV over SPARQL, rescored from link results, served over HTTP."""

from __future__ import annotations

import csv
import io

from service.catalog.bookkeeping import by_id
from service.quality import keeper
from service.quality.indicators import MAXIMUM
from service.quality.links import results as link_results
from service.quality.links.results import LinkResult
from tests.conftest import VALID_TTL

DQV = "http://www.w3.org/ns/dqv#"
URL = "https://data.montfort-sur-meu.fr/deliberations.csv"


def post(client, token, body=VALID_TTL):
    response = client.post("/datasets", data=body.encode(), headers={
        "Authorization": f"Bearer {token}", "Content-Type": "text/turtle"})
    assert response.status_code == 201, response.get_json()
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_score_is_kept_on_write_and_dropped_on_delete(client, svc, token):
    record_id = post(client, token)
    score = keeper.record_score(svc.store, record_id)
    assert score is not None
    # VALID_TTL: no temporal, media type, access rights, rights, byte size, modified date,
    # links not checked: what is lost is exactly that.
    lost = {f.indicator.id: round(f.lost, 2) for f in score.fixes()}
    assert lost == {"accessUrlStatusCode": 50, "downloadUrlStatusCode": 30,
                    "temporalAvailability": 20, "mediaTypeAvailability": 10,
                    "accessRightsAvailability": 10,
                    "accessRightsVocabularyAlignment": 5, "rightsAvailability": 5,
                    "byteSizeAvailability": 5, "dateModifiedAvailability": 5}
    assert score.total == MAXIMUM - sum(lost.values())
    client.delete(f"/datasets/{record_id}", headers={"Authorization": f"Bearer {token}"})
    assert keeper.record_score(svc.store, record_id) is None


def test_dqv_measurements_over_sparql(client, token):
    record_id = post(client, token)
    query = f"""PREFIX dqv: <{DQV}>
    SELECT ?metric ?value WHERE {{ ?m a dqv:QualityMeasurement ; dqv:computedOn ?ds ;
      dqv:isMeasurementOf ?metric ; dqv:value ?value .
      ?ds <http://purl.org/dc/terms/identifier> "deliberations-montfort" }}"""
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    rows = {b["metric"]["value"].rsplit("#", 1)[-1]: float(b["value"]["value"])
            for b in response.get_json()["results"]["bindings"]}
    assert len(rows) == 24 and rows["keywordAvailability"] == 30
    assert rows["score"] == sum(v for k, v in rows.items() if k != "score")
    metrics = client.get("/sparql", query_string={"query": f"""PREFIX dqv: <{DQV}>
        SELECT ?label WHERE {{ ?m a dqv:Metric ; dqv:inDimension ?d ;
        <http://www.w3.org/2004/02/skos/core#prefLabel> ?label FILTER(lang(?label) = "fr") }}"""},
        headers={"Accept": "application/sparql-results+json"}).get_json()
    assert len(metrics["results"]["bindings"]) == 23
    assert record_id


def test_link_results_feed_the_accessibility_indicators(client, svc, token):
    record_id = post(client, token)
    before = keeper.record_score(svc.store, record_id).total
    link_results.save(svc.store, [LinkResult(URL, True, "2026-12-05T08:00:00Z", status=200)])
    summary = keeper.rescore_all(svc.store)
    assert summary.changed == 1 and summary.refreshed == 0
    assert keeper.record_score(svc.store, record_id).total == before + 80
    assert keeper.rescore_all(svc.store).changed == 0  # nothing new: nothing written
    link_results.save(svc.store, [LinkResult(URL, False, "2026-12-06T08:00:00Z", status=404,
                                             broken_since="2026-12-06T08:00:00Z")])
    keeper.rescore_all(svc.store)
    assert keeper.record_score(svc.store, record_id).total == before
    page = client.get(f"/datasets/{record_id}", headers={"Accept": "text/html"}).text
    assert "Lien cassé depuis le 2026-12-06" in page and URL in page


def test_publisher_quality_json_csv_html(client, svc, token, publisher):
    post(client, token)
    keeper.rescore_all(svc.store)  # also snapshots today's score
    body = client.get("/publishers/montfort/quality.json").get_json()
    assert body["datasets"] == 1 and body["band"] in ("good", "sufficient")
    assert body["fixes"][0]["id"] == "accessUrlStatusCode" and body["fixes"][0]["gain"] == 50
    gains = [f["gain"] for f in body["fixes"]]
    assert gains == sorted(gains, reverse=True)
    assert len(body["history"]) == 1 and body["history"][0]["score"] == body["score"]
    rows = list(csv.DictReader(io.StringIO(
        client.get("/publishers/montfort/quality.csv").text)))
    assert len(rows) == 1 and float(rows[0]["keywordAvailability"]) == 30
    html = client.get("/publishers/montfort/quality", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "<svg" in html.text and "Corrections" in html.text
    english = client.get("/publishers/montfort/quality?lang=en",
                         headers={"Accept": "text/html"}).text
    assert "Fixes, by points to earn" in english and "Corrections" not in english
    assert client.get("/quality.json").get_json()["datasets"] == 1


def test_unknown_publisher_and_format_are_problems(client, publisher):
    missing = client.get("/publishers/nobody/quality.json")
    assert missing.status_code == 404
    assert missing.content_type.startswith("application/problem+json")
    assert client.get("/publishers/montfort/quality.xml").status_code == 404


def test_rescore_refresh_rereads_the_graphs(client, svc, token):
    record_id = post(client, token)
    meta = by_id(svc.store, record_id)
    assert meta is not None
    summary = keeper.rescore_all(svc.store, refresh=True)
    assert summary.scored == summary.refreshed == 1 and summary.changed == 0
