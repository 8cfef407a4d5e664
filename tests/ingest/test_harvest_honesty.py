"""The harvester believes only complete pages: bodies cut short of their Content-Length, chunked
bodies cut before their last chunk, and pages that drip past the wall-clock limits are failed
pages; such a run withdraws nothing. Misbehaving servers are real, on 127.0.0.1 (site.py).

Time bounds here are generous ceilings (several times the limit under test), not timings."""

from __future__ import annotations

import pytest

from bench.harvest_source import pages
from service.catalog import bookkeeping
from service.ingest.harvest import client
from service.ingest.harvest.policy import Limits, Policy
from service.ingest.harvest.setup import harvester
from service.ingest.harvest.sources import add_source
from tests.ingest.test_harvest_http import finished, setup

PATH = "/catalog.ttl"
LOOPBACK = "127.0.0.1"


def one_page(site, items) -> str:
    body = pages(site.base, PATH, items, len(items))[f"{PATH}?page=1"]
    return site.add(f"{PATH}?page=1", body)


def records(hsvc) -> list[str]:
    return sorted(m.id for m in bookkeeping.list_records(hsvc.store, publisher="montfort"))


@pytest.mark.parametrize("misbehaviour", [{"cut_at": 200}, {"cut_at": 200, "chunked": True}],
                         ids=["short-of-content-length", "chunked-cut"])
def test_a_truncated_page_fails_the_run_and_withdraws_nothing(hsvc, site, misbehaviour):
    url = one_page(site, [0, 1, 2])
    src = add_source(hsvc.store, url, "montfort", grace_days=0)
    assert harvester(hsvc).run(src).counts["created"] == 3
    before = records(hsvc)

    route = site.routes[f"{PATH}?page=1"]
    site.add(f"{PATH}?page=1", pages(site.base, PATH, [0], 1)[f"{PATH}?page=1"],
             **misbehaviour)  # now lists one dataset only... and is cut
    assert route is not site.routes[f"{PATH}?page=1"]
    run = harvester(hsvc, retries=1).run(src)

    assert run.status == "failed" and run.counts["withdrawn"] == 0, run.errors
    assert "incomplete" in run.errors[0]["detail_en"]
    assert records(hsvc) == before
    assert site.fetched(f"{PATH}?page=1") == 1 + 2  # the first run, then an attempt + a retry


def test_truncated_body_is_never_returned_as_a_page(site):
    site.add("/c.ttl", "# comment\n" * 100, cut_at=55)
    policy = Policy.from_text(LOOPBACK, limits=Limits(retries=0))
    with pytest.raises(client.FetchError) as err:
        client.get(site.url("/c.ttl"), policy)
    assert "55 of 1000 bytes" in err.value.detail_en


def test_a_slow_drip_is_cut_at_the_request_timeout(site):
    site.add("/drip.ttl", "# " * 200, drip=0.05)  # 400 bytes: 20 s if nothing stopped it
    policy = Policy.from_text(LOOPBACK, limits=Limits(timeout=1.0, retries=0))
    with pytest.raises(client.FetchError) as err:  # without the limit the drip ends well
        client.get(site.url("/drip.ttl"), policy)
    assert "timed out" in err.value.detail_en


def test_max_seconds_holds_against_a_drip_and_the_run_withdraws_nothing(hsvc, site):
    url = one_page(site, [0, 1])
    src = add_source(hsvc.store, url, "montfort", grace_days=0)
    harvester(hsvc).run(src)
    site.add(f"{PATH}?page=1", "# " * 400, drip=0.05)
    run = harvester(hsvc, max_seconds=1.0, timeout=30.0, retries=3).run(src)
    assert run.status == "failed" and run.counts["withdrawn"] == 0
    assert "Durée maximale de 1 s" in run.errors[0]["detail_fr"]
    assert records(hsvc) == ["jeu-00000", "jeu-00001"]


def test_the_http_trigger_answers_at_once_while_the_source_drips(tmp_path, site):
    app, svc, src, token, _ = setup(tmp_path, site)
    site.add(f"{PATH}?page=1", "# " * 60, drip=0.05, cut_at=20)  # 1 s of drip, then cut
    http = app.test_client()
    r = http.post("/publishers/montfort/harvest", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 202  # "running" below: the answer did not wait for the run
    run = r.get_json()["runs"][0]
    assert run["status"] == "running" and run["run"]
    again = http.post("/publishers/montfort/harvest",
                      headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    report = finished(http, r.headers["Location"])
    assert report["run"] == run["run"] and report["status"] == "failed"
    assert "incomplete body: 20 of 120 bytes" in report["errors"][0]["detail_en"]
    svc.store.close()
