"""Import and harvest figures on /metrics: records by outcome and repaired, per publisher or
source; harvest runs, their durations and the last complete run per source."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bench.harvest_source import pages
from service.app import create_app
from service.auth.tokens import create_token
from service.catalog.publishers import add_publisher
from service.ingest.harvest.sources import add_source
from tests.conftest import BASE, VALID_TTL
from tests.ingest.conftest import harvest_settings
from tests.ingest.conftest import site as site  # noqa: F401 - the fixture, shared
from tests.ingest.scdl_csv import EXAMPLE
from tests.ops.test_metrics import _get, _samples

MONTHLY = "<http://publications.europa.eu/resource/authority/frequency/MONTHLY>"


def _delta(before, after):
    return lambda name, **labels: _get(after, name, **labels) - _get(before, name, **labels)


def test_imports_are_counted_by_outcome_and_repair(client, auth):
    repaired = VALID_TTL.replace(MONTHLY, '"mensuel"')
    broken = VALID_TTL.replace("deliberations-montfort", "budget").replace(
        'dct:title "Délibérations du conseil municipal"@fr ;', "")
    before = _samples(client)
    r = client.post("/publishers/montfort/import", data=repaired + broken,
                    headers={**auth, "Content-Type": "text/turtle"})
    assert r.status_code == 207, r.get_json()
    items = {i["outcome"]: i for i in r.get_json()["items"]}
    assert {"frequency", "contact"} <= {x["kind"] for x in items["created"]["repairs"]}
    assert items["failed"]["repairs"]  # repaired, then refused all the same
    r = client.post("/publishers/montfort/import", data=repaired,
                    headers={**auth, "Content-Type": "text/turtle"})
    assert r.status_code == 200
    delta = _delta(before, _samples(client))
    labels = {"channel": "rdf", "publisher": "montfort"}
    assert delta("socle_import_records_total", **labels, outcome="created") == 1
    assert delta("socle_import_records_total", **labels, outcome="failed") == 1
    assert delta("socle_import_records_total", **labels, outcome="unchanged") == 1
    # Every record of VALID_TTL gets its contact point's class repaired: all three count.
    assert delta("socle_import_records_repaired_total", **labels) == 3


def test_csv_imports_are_counted_on_their_channel(client, auth):
    before = _samples(client)
    r = client.post("/publishers/montfort/import", data=EXAMPLE.read_bytes(),
                    headers={**auth, "Content-Type": "text/csv"})
    assert r.status_code == 200 and r.get_json()["summary"]["created"] == 3
    delta = _delta(before, _samples(client))
    assert delta("socle_import_records_total", channel="csv", publisher="montfort",
                 outcome="created") == 3
    assert delta("socle_import_records_total", channel="rdf", publisher="montfort",
                 outcome="created") == 0


def _finished(client, location: str) -> dict:
    for _ in range(400):
        report = client.get(location.replace("http://localhost", "")).get_json()
        if report["status"] != "running":
            return report
        time.sleep(0.05)
    raise AssertionError(f"run still running: {report}")


def test_harvests_are_counted_per_source_with_duration_and_last_success(tmp_path, site):
    app = create_app(harvest_settings(tmp_path))
    svc = app.extensions["socle"]
    try:
        pub = add_publisher(svc.store, BASE, "montfort", "Commune de Montfort", None)
        for path, body in pages(site.base, "/catalog.ttl", [0, 1, 2], 2).items():
            site.add(path, body)
        add_source(svc.store, site.url("/catalog.ttl?page=1"), "montfort", source_id="portail")
        headers = {"Authorization": f"Bearer {create_token(svc.files, pub)}"}
        client = app.test_client()
        before = _samples(client)
        assert ("socle_harvest_last_success_timestamp_seconds",
                (("source", "portail"),)) not in before
        started = datetime.now(UTC).timestamp()
        for _ in range(2):  # a first run creates, the second finds everything unchanged
            r = client.post("/publishers/montfort/harvest", headers=headers)
            assert r.status_code == 202
            assert _finished(client, r.headers["Location"])["status"] == "done"
        after = _samples(client)
        delta = _delta(before, after)
        assert delta("socle_harvest_records_total", source="portail", outcome="created") == 3
        assert delta("socle_harvest_records_total", source="portail", outcome="unchanged") == 3
        assert delta("socle_harvest_records_total", source="portail", outcome="failed") == 0
        assert delta("socle_harvest_runs_total", source="portail", status="done") == 2
        assert delta("socle_harvest_run_seconds_count", source="portail") == 2
        last = _get(after, "socle_harvest_last_success_timestamp_seconds", source="portail")
        assert started - 1 <= last <= datetime.now(UTC).timestamp() + 1
        # The last success is read from the stored reports: a new app process sees it too.
        svc.store.close()
        again = create_app(harvest_settings(tmp_path))
        svc = again.extensions["socle"]
        assert _get(_samples(again.test_client()),
                    "socle_harvest_last_success_timestamp_seconds", source="portail") == last
    finally:
        svc.store.close()
