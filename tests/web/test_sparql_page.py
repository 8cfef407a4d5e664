"""The SPARQL query page in a real browser: examples, run, results table, downloads, errors."""

from __future__ import annotations


def test_run_an_example_shows_a_table(page, live_server):
    page.goto(f"{live_server}/sparql")
    page.select_option("#examples", index=0)
    page.click("text=Exécuter")
    page.wait_for_selector("table tbody tr", timeout=15000)
    header = page.inner_text("table thead")
    assert "?theme" in header and "?datasets" in header
    first = page.inner_text("table tbody tr >> nth=0")
    assert "data-theme" in first
    assert "^^" not in page.inner_text("table")  # values, not N3 syntax
    links = page.locator("a[href*='download=1']")
    assert links.count() >= 1


def test_syntax_error_is_shown(page, live_server):
    page.goto(f"{live_server}/sparql")
    page.fill("textarea", "SELECT WHERE {")
    page.click("text=Exécuter")
    page.wait_for_timeout(1500)
    body = page.inner_text("body")
    assert "400" in body or "rreur" in body or "error" in body.lower()


def test_page_needs_no_outside_resource(page, live_server):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server}/sparql")
    page.wait_for_load_state("networkidle")
    assert requested and all(u.startswith(live_server) for u in requested)


def test_examples_in_the_page_language(page, live_server):
    page.goto(f"{live_server}/sparql")
    french = page.locator("#examples option").all_inner_texts()
    assert french[0] == "Jeux de données par thème" and not [t for t in french if " / " in t]
    page.goto(f"{live_server}/sparql?lang=en")
    english = page.locator("#examples option").all_inner_texts()
    assert english[0] == "Datasets per theme" and not set(english) & set(french)
    page.select_option("#examples", index=3)  # distributions by format
    assert "(no format)" in page.input_value("textarea")
    page.click("text=Run")
    page.wait_for_selector("table tbody tr", timeout=15000)
    status = page.inner_text("#status")
    assert " rows, " in status or " row, " in status
    assert "ligne" not in status and "(s)" not in status
