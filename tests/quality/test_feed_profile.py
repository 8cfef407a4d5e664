"""The feed's `dcat-ap-3-dqv` profile: each record's MQA measurements as DQV, only when asked,
without Socle's bookkeeping; the default feed and single records never carry them."""

from __future__ import annotations

import pyoxigraph as ox

from service.quality import keeper
from service.quality.indicators import MAXIMUM
from tests.quality.test_http import post

DQV = "http://www.w3.org/ns/dqv#"
MQA = "https://socle.opendata.fr/ns/mqa#"


def _triples(body: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]


def test_the_dqv_profile_carries_every_measurement_of_the_page(client, svc, token):
    record_id = post(client, token)
    score = keeper.record_score(svc.store, record_id)
    r = client.get("/catalog.nt?profile=dcat-ap-3-dqv")
    assert r.status_code == 200 and "ETag" not in r.headers
    assert r.headers["Cache-Control"] == "no-cache"  # scores change without a record write
    triples = _triples(r.get_data())
    dataset = f"http://socle.test/datasets/{record_id}"
    has = f"{DQV}hasQualityMeasurement"
    measures = {t.object.value for t in triples
                if t.subject.value == dataset and t.predicate.value == has}
    assert len(measures) == len(score.results) + 1  # one per indicator, plus the total
    values = {}
    for m in measures:
        of = {t.predicate.value: t.object for t in triples if t.subject.value == m}
        assert of[f"{DQV}computedOn"].value == dataset
        assert of["http://www.w3.org/1999/02/22-rdf-syntax-ns#type"].value == \
            f"{DQV}QualityMeasurement"
        values[of[f"{DQV}isMeasurementOf"].value] = float(of[f"{DQV}value"].value)
    assert values[f"{MQA}score"] == score.total <= MAXIMUM
    assert values[f"{MQA}keywordAvailability"] == 30
    # The record itself is there as dcat-ap-3 serves it; the bookkeeping is not.
    assert any(t.subject.value == dataset and t.object.value == "deliberations-montfort"
               for t in triples)
    text = r.get_data(as_text=True)
    assert "qualityFacts" not in text and "qualityDetail" not in text and "localId" not in text


def test_measurements_never_by_default_nor_on_a_single_record(client, token):
    record_id = post(client, token)
    assert DQV not in client.get("/catalog.nt").get_data(as_text=True)
    assert DQV not in client.get("/catalog.nt?profile=dcat-ap-3").get_data(as_text=True)
    r = client.get(f"/datasets/{record_id}.ttl?profile=dcat-ap-3-dqv")
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
