"""Hostile harvest sources and source URLs (issue 21, items 5, 6, 8) in the hostile suite:
misbehaving servers on 127.0.0.1 behind the HTTP trigger, credentials in a source URL, NAT64
and 6to4 forms of loopback. The detailed cases live in tests/ingest (test_harvest_honesty.py,
test_harvest_credentials.py, test_harvest_fetching.py); these put each kind in the summary."""

from __future__ import annotations

import ipaddress
import time

import pytest

from bench.harvest_source import pages
from service.app import create_app
from service.auth.tokens import create_token
from service.catalog import bookkeeping
from service.catalog.publishers import add_publisher
from service.errors import SocleError
from service.ingest.harvest import policy as policy_module
from service.ingest.harvest.policy import Policy
from service.ingest.harvest.sources import add_source
from tests.badinput.summary import SUMMARY, Row
from tests.conftest import BASE
from tests.ingest.conftest import harvest_settings
from tests.ingest.site import Site
from tests.ingest.test_harvest_http import finished

pytestmark = pytest.mark.embedded_only("harvest fetching: store-independent")
PATH = "/catalog.ttl"


@pytest.fixture
def harvest_app(tmp_path):
    site = Site()
    app = create_app(harvest_settings(tmp_path, harvest_timeout=1.0, harvest_retries=1))
    svc = app.extensions["socle"]
    pub = add_publisher(svc.store, BASE, "montfort", "Commune de Montfort", None)
    body = pages(site.base, PATH, [0, 1, 2], 3)[f"{PATH}?page=1"]
    site.add(f"{PATH}?page=1", body)
    add_source(svc.store, site.url(f"{PATH}?page=1"), "montfort", grace_days=0)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {create_token(svc.files, pub)}"}
    first = finished(client, client.post("/publishers/montfort/harvest", headers=auth)
                     .headers["Location"])
    assert first["counts"]["created"] == 3
    yield app, site, client, auth, body
    site.close()
    svc.store.close()


MISBEHAVIOURS = [
    ("harvest-page-short-of-content-length", {"cut_at": 100}),
    ("harvest-chunked-page-cut", {"cut_at": 100, "chunked": True}),
    ("harvest-page-dripping-past-timeout", {"drip": 0.05}),
]


@pytest.mark.parametrize("kind,options", MISBEHAVIOURS, ids=[m[0] for m in MISBEHAVIOURS])
def test_misbehaving_source_fails_the_run_and_withdraws_nothing(harvest_app, kind, options):
    app, site, client, auth, body = harvest_app
    store = app.extensions["socle"].store
    site.add(f"{PATH}?page=1", pages(site.base, PATH, [0], 1)[f"{PATH}?page=1"], **options)
    began = time.monotonic()
    answer = client.post("/publishers/montfort/harvest", headers=auth)
    assert answer.status_code == 202  # accepted: the run goes on in the background
    report = finished(client, answer.headers["Location"])  # its polling stops a hung run
    seconds = time.monotonic() - began
    kept = len(bookkeeping.list_records(store, publisher="montfort"))
    SUMMARY.add(Row(kind, "failed", report["status"], 0, kept == 3, seconds))
    assert report["status"] == "failed" and report["counts"]["withdrawn"] == 0
    assert kept == 3


@pytest.mark.parametrize("url", ["http://user:pw@127.0.0.1/c.ttl", "https://tok@example.org/c"])
def test_source_url_with_credentials(harvest_app, url):
    app, *_ = harvest_app
    with pytest.raises(SocleError) as err:
        add_source(app.extensions["socle"].store, url, "montfort")
    SUMMARY.add(Row(f"source-url-with-credentials ({url.split('@')[1][:12]}…)", 400,
                    err.value.status))
    assert err.value.status == 400 and "pw" not in str(err.value)


@pytest.mark.parametrize("address", ["64:ff9b::7f00:1", "2002:7f00:1::", "64:ff9b::a9fe:a9fe"])
def test_nat64_and_6to4_loopback_forms(monkeypatch, address):
    monkeypatch.setattr(policy_module, "_resolve",
                        lambda host, port: [ipaddress.ip_address(address)])
    with pytest.raises(SocleError) as err:
        Policy().check("http://sneaky.example/catalog.ttl")
    SUMMARY.add(Row(f"harvest-address-{address}", 403, err.value.status))
    assert err.value.status == 403


def test_a_giant_record_on_a_page_is_a_failed_item(harvest_app):
    from service.rdf.limits import RECORD

    app, site, client, auth, body = harvest_app
    words = " , ".join(f'"m{i}"' for i in range(RECORD.max_triples + 10))
    giant = (f'\n<{site.base}/geant> a <http://www.w3.org/ns/dcat#Dataset> ;\n'
             f'  <http://purl.org/dc/terms/identifier> "geant" ;\n'
             f'  <http://www.w3.org/ns/dcat#keyword> {words} .\n')
    site.add(f"{PATH}?page=1", body + giant)
    report = finished(client, client.post("/publishers/montfort/harvest", headers=auth)
                      .headers["Location"])
    failed = [i for i in report["items"] if i["outcome"] == "failed"]
    SUMMARY.add(Row("harvest-record-over-record-budget", "done+1 failed",
                    f"{report['status']}+{len(failed)} failed"))
    assert report["status"] == "done" and report["counts"]["unchanged"] == 3
    assert len(failed) == 1 and "Record too large" in failed[0]["detail_en"]
