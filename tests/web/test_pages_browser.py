"""Every page in real headless Chromium: no Content-Security-Policy violation, no script
error, no `javascript:` link (and, with axe-core, no critical or serious accessibility
violation: see `axe.py`)."""

from __future__ import annotations

import pytest

from service.web.demo import DEMO_LOGIN, DEMO_PASSWORD, DEMO_PUBLISHER
from tests.web.conftest import HOSTILE_ID

PUBLIC = ["/", "/search", "/search?q=budget", "/datasets/montfort-sur-meu-deliberations",
          f"/datasets/{HOSTILE_ID}", f"/publishers/{DEMO_PUBLISHER}", "/validation",
          "/sparql", "/login", "/territories", "/territories/243500550",
          "/publishers", "/?lang=en", "/datasets/montfort-sur-meu-deliberations?lang=en",
          "/search?lang=en", "/search?q=budget+primitif+licorne",
          "/search?q=budget&sort=title&lang=en", "/sparql?lang=en"]
CURATOR = ["/curator/", "/curator/datasets/new",
           "/curator/datasets/montfort-sur-meu-deliberations/edit",
           "/curator/datasets/montfort-sur-meu-deliberations/delete", "/curator/import/"]


@pytest.fixture
def watched(browser):
    """A page whose CSP violations and script errors are collected."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    yield page, problems
    context.close()


ERRORS = ["/datasets/nexistepas", "/territories/999999999", "/nowhere/at/all"]


def _visit(page, problems, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response is not None and response.status == status, (url, response.status)
    page.wait_for_load_state("load")
    scripted = page.evaluate("""() => [...document.querySelectorAll('a[href]')]
        .map(a => a.href).filter(h => !/^(https?|mailto|ftp):/i.test(h))""")
    assert scripted == [], (url, scripted)
    assert problems == [], (url, problems)


def test_public_pages_keep_the_policy(watched, hostile_server):
    page, problems = watched
    for path in PUBLIC:
        _visit(page, problems, f"{hostile_server}{path}")


def test_error_pages_are_pages(watched, hostile_server):
    page, problems = watched
    for path in ERRORS:
        _visit(page, problems, f"{hostile_server}{path}", 404)
        assert page.locator("h1").inner_text().startswith("Page introuvable")


def test_curator_pages_keep_the_policy(watched, hostile_server):
    page, problems = watched
    page.goto(f"{hostile_server}/login")
    page.fill("#login", DEMO_LOGIN)
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/curator/")
    for path in CURATOR:
        _visit(page, problems, f"{hostile_server}{path}")
    # The form's script (a static file) still works: a row added in place, and the error
    # summary focused when the form comes back with errors.
    page.goto(f"{hostile_server}/curator/datasets/new")
    page.click("#add-distribution")
    assert page.locator("#dist-1-url").count() == 1
    page.click("#save")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'summary'")
    assert problems == []


def test_a_script_landing_page_is_text(watched, hostile_server):
    page, problems = watched
    page.goto(f"{hostile_server}/datasets/{HOSTILE_ID}")
    body = page.inner_text("main")
    assert "javascript:alert(1)" in body and "javascript:alert(3)" in body
    assert page.locator("a[href^='javascript']").count() == 0
    # Even a link injected by hand would not run: the CSP forbids javascript: URLs.
    page.evaluate("""() => { const a = document.createElement('a'); a.id = 'x';
        a.href = 'javascript:document.title="pwned"'; a.textContent = 'x';
        document.body.appendChild(a); }""")
    page.click("#x")
    page.wait_for_timeout(200)
    assert page.title() != "pwned"
    assert any("Content Security Policy" in p for p in problems)


def test_sparql_results_make_no_script_link(watched, hostile_server):
    """The query page's table: the hostile record's javascript: IRIs stay text."""
    page, problems = watched
    page.goto(f"{hostile_server}/sparql")
    page.fill("#query", "SELECT ?page WHERE { ?d <http://www.w3.org/ns/dcat#landingPage> ?page }")
    page.click("#sparql-form button[type=submit]")
    page.wait_for_selector("table tbody tr", timeout=15000)
    assert "javascript:alert(1)" in page.inner_text("table")
    assert page.locator("a[href^='javascript']").count() == 0
    assert problems == []
