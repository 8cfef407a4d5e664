"""Prometheus metrics and the split health checks, read through HTTP."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import VALID_TTL, post_ttl


def _samples(client) -> dict[tuple[str, tuple], float]:
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(r.get_data(as_text=True)):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def _get(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_requests_latency_store_validation_and_writes_are_counted(client, auth):
    before = _samples(client)
    assert post_ttl(client, VALID_TTL, auth).status_code == 201
    assert client.get("/datasets/deliberations-montfort.ttl").status_code == 200
    assert client.get("/datasets/nope.ttl").status_code == 404
    after = _samples(client)

    def delta(name, **labels):
        return _get(after, name, **labels) - _get(before, name, **labels)

    assert delta("socle_http_requests_total", method="POST", route="/datasets",
                 status="201") == 1
    route = "/datasets/<record_id>.<ext>"
    if not _get(after, "socle_http_requests_total", method="GET", route=route, status="200"):
        route = next(dict(k[1])["route"] for k in after  # the route whose 404s grew
                     if k[0] == "socle_http_requests_total" and "nope" not in str(k)
                     and dict(k[1]).get("status") == "404" and after[k] > before.get(k, 0))
    assert delta("socle_http_requests_total", method="GET", route=route, status="404") >= 1
    assert not any("nope" in str(key) for key in after)  # routes, never raw paths
    assert delta("socle_http_request_duration_seconds_count", method="POST",
                 route="/datasets") == 1
    assert delta("socle_records_written_total", kind="written") == 1
    assert delta("socle_validation_seconds_count") >= 1
    assert delta("socle_store_seconds_count", operation="select") >= 1
    assert _get(after, "socle_records") == 1
    assert ("socle_sparql_workers", (("state", "size"),)) in after


def test_liveness_readiness_and_the_old_health(client):
    assert client.get("/health/live").get_json() == {"status": "alive"}
    assert client.get("/health/ready").get_json() == {"status": "ready"}
    assert client.get("/health").get_json()["status"] == "ok"


def test_readiness_fails_when_the_store_does(app, client, monkeypatch):
    store = app.extensions["socle"].store

    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(store, "ask", broken)
    r = client.get("/health/ready")
    assert r.status_code == 503 and r.get_json()["status"] == "unavailable"
    assert client.get("/health/live").status_code == 200

