"""Real headless Chromium (Debian's `chromium`) driven by Playwright against `socle serve`."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from service.app import create_app
from service.auth.curators import add_curator
from service.config import Settings
from tests.conftest import BASE, REPO
from tests.serving import wait_until_serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HOSTILE_ID = "liens-hostiles"
# Non-public records of the demo publisher on the hostile server (dashboard lists, draft form).
HOSTILE_DRAFT, HOSTILE_QUARANTINE = "brouillon-axe", "quarantaine-axe"


def seed_hostile_record(data: Path, base: str) -> None:
    """A record whose landing page, download URL and e-mail are `javascript:` IRIs, written
    into the store before the server starts (straight into its graph: whatever the write path
    accepts, the pages must never make them links)."""
    from rdflib import Graph

    from service.catalog.publishers import add_publisher
    from service.config import Settings
    from service.services import build_services
    from tests.conftest import VALID_TTL

    svc = build_services(Settings(data=str(data), base_url=base))
    try:
        add_publisher(svc.store, base, "hostile", "Éditeur de test")
        ttl = VALID_TTL.replace('"deliberations-montfort"', f'"{HOSTILE_ID}"')
        meta = svc.records.create("hostile", Graph().parse(data=ttl, format="turtle")).meta
        graph = svc.records.graph(meta)
        dcat = "http://www.w3.org/ns/dcat#"
        from rdflib import URIRef

        dist = graph.value(URIRef(meta.iri), URIRef(f"{dcat}distribution"))
        contact = graph.value(URIRef(meta.iri), URIRef(f"{dcat}contactPoint"))
        svc.store.update(f"""INSERT DATA {{ GRAPH <{meta.iri}> {{
            <{meta.iri}> <{dcat}landingPage> <javascript:alert(1)> .
            <{dist}> <{dcat}downloadURL> <javascript:alert(2)> .
            <{contact}> <http://www.w3.org/2006/vcard/ns#hasEmail> <javascript:alert(3)> }} }}""")
        _seed_private(svc)
    finally:
        svc.store.close()


def _seed_private(svc) -> None:
    """A draft and a quarantined record (one violation each) of the demo publisher."""
    from rdflib import Graph

    from service.catalog.publishers import add_publisher
    from service.demo import DEMO_PUBLISHERS
    from service.rdf.records import single_record
    from service.web.demo import DEMO_PUBLISHER
    from tests.conftest import VALID_TTL

    pub = next(p for p in DEMO_PUBLISHERS if p["id"] == DEMO_PUBLISHER)
    add_publisher(svc.store, svc.settings.base_url, pub["id"], pub["name"], pub.get("siren"))
    bad = "\n".join(line for line in VALID_TTL.splitlines()
                    if not line.startswith("  dct:description"))
    for record_id, status in ((HOSTILE_DRAFT, "draft"), (HOSTILE_QUARANTINE, "quarantine")):
        graph = Graph().parse(data=bad.replace('"deliberations-montfort"', f'"{record_id}"'),
                              format="turtle")
        if status == "draft":
            svc.records.create(DEMO_PUBLISHER, graph, "draft")
        else:
            svc.records.upsert(DEMO_PUBLISHER, single_record(graph), "quarantine")


@pytest.fixture(scope="session")
def live_data(tmp_path_factory) -> Path:
    """The data directory of `live_server` (open it read-only beside the server)."""
    return tmp_path_factory.mktemp("web") / "data"


def _serve(data: Path, seed: bool):
    """`socle serve --demo` on 127.0.0.1 over data (with the hostile record when seed)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    if seed:
        seed_hostile_record(data, base)
    log = (data.parent / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--demo", "--data", str(data),
         "--port", str(port), "--base-url", base], cwd=REPO, stdout=log,
        stderr=subprocess.STDOUT)
    try:
        wait_until_serving(base, proc, Path(log.name))
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def live_server(live_data) -> str:
    """The demo catalogue served on 127.0.0.1, stopped at the end of the session."""
    yield from _serve(live_data, seed=False)


@pytest.fixture(scope="session")
def hostile_server(tmp_path_factory) -> str:
    """The demo catalogue plus a record with `javascript:` IRIs (for the pages' policy and
    accessibility checks; kept apart so the journey's screenshots show the demo alone)."""
    yield from _serve(tmp_path_factory.mktemp("hostile") / "data", seed=True)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium missing: scripts/browser-setup.sh installs it")
        pytest.skip("chromium not installed (scripts/browser-setup.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


# -- curator sessions (HTTP level) ---------------------------------------------------------
PASSWORD = "correct horse battery"


@pytest.fixture
def curator(svc, publisher):
    return add_curator(svc.files, publisher, "alice", PASSWORD)


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def logged_in(client, curator):
    token = _csrf(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"login": "alice", "password": PASSWORD,
                                    "csrf_token": token})
    assert r.status_code == 302
    return client


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """The demo catalogue in an app of its own, shared by one module's tests (read-only use)."""
    app = create_app(Settings(data=str(tmp_path_factory.mktemp("demo") / "data"),
                              base_url=BASE, demo=True))
    yield app
    app.extensions["socle"].close()
