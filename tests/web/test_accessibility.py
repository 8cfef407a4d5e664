"""axe-core in real Chromium on every page: no critical or serious violation (RGAA basics).

axe-core comes from npm (`scripts/axe-setup.sh`, pinned in tests/web/axe/). It is injected
into a context that bypasses the pages' CSP (the CSP itself is checked in
test_pages_browser.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.web.demo import DEMO_LOGIN, DEMO_PASSWORD
from tests.web.conftest import HOSTILE_DRAFT, HOSTILE_QUARANTINE
from tests.web.test_pages_browser import CURATOR, ERRORS, PUBLIC

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SITE = ["/mentions-legales", "/accessibilite", "/accessibilite?lang=en"]


@pytest.fixture
def axe_page(browser):
    if not AXE.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("axe-core missing: scripts/axe-setup.sh installs it")
        pytest.skip("axe-core not installed (scripts/axe-setup.sh)")
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def _violations(page, url: str) -> list[str]:
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
          .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)
            .map(n => n.target.join(' ')).join(' | '));
    }""")
    return [f"{url}: {v}" for v in found]


def test_public_pages_have_no_serious_violation(axe_page, hostile_server):
    found = []
    for path in [*PUBLIC, *ERRORS, *SITE]:
        found += _violations(axe_page, f"{hostile_server}{path}")
    assert found == []


def test_curator_pages_have_no_serious_violation(axe_page, hostile_server):
    page = axe_page
    page.goto(f"{hostile_server}/login")
    page.fill("#login", DEMO_LOGIN)
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/curator/")
    found = []
    # The dashboard lists a draft and a quarantined record, each opens in the form.
    private = [f"/curator/datasets/{HOSTILE_DRAFT}/edit",
               f"/curator/datasets/{HOSTILE_QUARANTINE}/edit", "/curator/datasets/new?lang=en"]
    dashboard = page.goto(f"{hostile_server}/curator/").text()
    assert "Brouillons (1)" in dashboard and "En quarantaine (1)" in dashboard
    for path in [*CURATOR, *private]:
        found += _violations(page, f"{hostile_server}{path}")
    # The form sent back with errors.
    page.goto(f"{hostile_server}/curator/datasets/new")
    page.click("#save")
    page.wait_for_selector("#summary")
    page.add_script_tag(path=str(AXE))
    found += [f"form with errors: {v}" for v in page.evaluate("""async () => (await axe.run())
        .violations.filter(v => ['critical', 'serious'].includes(v.impact)).map(v => v.id)""")]
    assert found == []
