"""The server's periodic link check: runs every interval, starts nothing when disabled."""

from __future__ import annotations

import time
from types import SimpleNamespace

from service.config import Settings
from service.quality.links import job, results
from tests.conftest import VALID_TTL
from tests.quality.server import Answer


def test_disabled_job_starts_nothing(tmp_path):
    svc = SimpleNamespace(settings=Settings(linkcheck_interval_hours=0))
    assert job.start(svc) is None


def test_job_checks_after_each_interval(client, svc, token, server):
    server.routes["/d.csv"] = Answer()
    body = VALID_TTL.replace("https://data.montfort-sur-meu.fr/deliberations.csv",
                             server.url("/d.csv"))
    assert client.post("/datasets", data=body.encode(), headers={
        "Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}).status_code == 201
    settings = Settings(data=svc.settings.data, base_url=svc.settings.base_url,
                        harvest_allow="127.0.0.1", linkcheck_interval_hours=0.2 / 3600,
                        linkcheck_min_interval=0.0)
    thread = job.start(SimpleNamespace(settings=settings, store=svc.store))
    try:
        for _ in range(200):  # a poll, not a timing assertion: the run is what is checked
            if results.load(svc.store).get(server.url("/d.csv")):
                break
            time.sleep(0.05)
        assert results.load(svc.store)[server.url("/d.csv")].ok is True
        assert set(server.requested("/d.csv")) == {"HEAD"}
    finally:
        thread.stop.set()
        thread.join(5)
