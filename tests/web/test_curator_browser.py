"""The curator's whole journey in real headless Chromium, against `socle serve --demo`.

Log in with the demo account, describe a dataset through the form, get a validation error
beside the field, fix it, find the dataset in search, in the publisher's DCAT feed and on its
page. Screenshots of the main pages are saved as test artefacts
(`$SOCLE_TEST_ARTIFACTS`, default `test-artifacts/screenshots/`); `docs/screenshots/` holds a
committed copy.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.catalog.invariants import shared_nodes
from service.store import open_store
from service.web.demo import DEMO_LOGIN, DEMO_PASSWORD, DEMO_PUBLISHER
from tests.conftest import REPO

SHOTS = Path(os.environ.get("SOCLE_TEST_ARTIFACTS", REPO / "test-artifacts")) / "screenshots"
TITLE = "Bornes de recharge pour véhicules électriques"
THEME_TRAN = "http://publications.europa.eu/resource/authority/data-theme/TRAN"
LICENCE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FREQ = "http://publications.europa.eu/resource/authority/frequency/QUARTERLY"
CSV = "http://publications.europa.eu/resource/authority/file-type/CSV"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def wide(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1200, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:")) else None)
    yield page
    context.close()
    assert outside == [], f"pages fetched outside resources: {outside}"


def test_curator_creates_fixes_and_finds_a_dataset(wide, live_server, live_data):
    page = wide
    page.goto(f"{live_server}/")
    assert page.locator("h1").inner_text().startswith("Catalogue")
    shot(page, "home")

    page.goto(f"{live_server}/search?q=deliberations")
    assert int(page.locator("#results-title").inner_text().split()[0]) > 0
    shot(page, "search")

    # Log in (keyboard only for the submit).
    page.click("text=Connexion gestionnaire")
    page.fill("#login", DEMO_LOGIN)
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/curator/")
    page.click("text=Décrire un nouveau jeu de données")

    # A form with a mistake: no description (mandatory in DCAT-AP).
    page.fill("#title", TITLE)
    page.fill("#keywords", "mobilité, IRVE")
    page.check(f"input[name=themes][value='{THEME_TRAN}']")
    page.select_option("#licence", LICENCE)
    page.select_option("#frequency", FREQ)
    page.fill("#spatial", "35188")
    page.fill("#temporal_start", "2024-01-01")
    page.fill("#contact_name", "Services techniques")
    page.fill("#contact_email", "technique@montfort.example")
    page.fill("#dist-0-title", "Bornes (CSV)")
    page.fill("#dist-0-url", "https://data.montfort.example/irve.csv")
    page.select_option("#dist-0-format", CSV)
    # A second distribution row through the inline script (no round trip)...
    page.click("#add-distribution")
    assert page.locator("#dist-1-url").count() == 1
    assert page.evaluate("document.activeElement.id") == "dist-1-title"
    page.click("#save")  # ... left empty, so it is ignored

    # Shown again: everything typed kept, the error in French beside the description.
    assert page.input_value("#title") == TITLE
    assert page.input_value("#dist-0-url") == "https://data.montfort.example/irve.csv"
    assert page.is_checked(f"input[name=themes][value='{THEME_TRAN}']")
    assert page.get_attribute("#description", "aria-invalid") == "true"
    error = page.locator("#err-description").inner_text()
    assert "description" in error.lower() and "Erreur" in error
    page.wait_for_function("document.activeElement && document.activeElement.id === 'summary'")
    shot(page, "form-validation-error")

    # Fix it from the error summary link, save.
    page.click("#summary a[href='#description']")
    page.fill("#description", "Emplacement et puissance des bornes de recharge publiques.")
    page.click("#save")
    page.wait_for_url("**/edit?saved=1*")
    assert "Publié" in page.locator("[role=status]").inner_text()
    record_url = page.get_attribute("text=Voir la page publique >> nth=0", "href")

    # Found in search, with its publisher facet.
    page.goto(f"{live_server}/search")
    page.fill("#q", "recharge électrique")
    page.press("#q", "Enter")
    page.wait_for_selector(f"text={TITLE}")
    page.click(f"text={TITLE}")
    assert page.url.endswith(record_url)

    # Its page: title, download link, alternates, JSON-LD.
    assert page.locator("h1").inner_text() == TITLE
    assert page.get_attribute("a.button", "href") == "https://data.montfort.example/irve.csv"
    assert page.locator("link[rel=alternate]").count() == 4
    assert "schema.org" in page.locator("script[type='application/ld+json']").inner_text()
    shot(page, "dataset")

    # In the publisher's DCAT feed, as data.gouv.fr will harvest it.
    feed = page.request.get(
        f"{live_server}/publishers/{DEMO_PUBLISHER}/catalog.ttl?profile=datagouv&page_size=1000")
    assert feed.ok and TITLE in feed.text()

    page.goto(f"{live_server}/publishers/{DEMO_PUBLISHER}")
    # Two charts: the publisher's activity, and its quality score history (a point on every
    # day with a write: service/quality/keeper.py).
    assert page.locator("svg[role=img]").count() == 2
    assert TITLE in page.inner_text("main")
    shot(page, "publisher")

    # A second dataset of the same place, by name, with two distributions: its contact,
    # period and distributions are its own (they were once minted under the INSEE IRI and
    # shared with the first).
    page.goto(f"{live_server}/curator/datasets/new")
    page.fill("#title", "Stationnement vélo")
    page.fill("#description", "Arceaux et abris vélo de la commune.")
    page.select_option("#licence", LICENCE)
    page.fill("#spatial", "Montfort-sur-Meu")
    page.fill("#temporal_start", "2024-01-01")
    page.fill("#contact_name", "Services techniques")
    for i, ext in enumerate(("csv", "geojson")):
        if i:
            page.click("#add-distribution")
        page.fill(f"#dist-{i}-title", f"Arceaux ({ext})")
        page.fill(f"#dist-{i}-url", f"https://data.montfort.example/velo.{ext}")
    page.click("#save")
    page.wait_for_url("**/edit?saved=1*")
    store = open_store(str(live_data), read_only=True)
    try:
        assert shared_nodes(store) == []
        iri = f"{live_server}/datasets/stationnement-velo"
        rows = store.select(f"SELECT ?s WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        parts = {str(r["s"]) for r in rows} - {iri, f"{live_server}/publishers/{DEMO_PUBLISHER}"}
        assert len(parts) == 4, parts  # contact, period, two distributions
        assert all(p.startswith(f"{iri}#") for p in parts)
    finally:
        store.close()


DRAFT_TITLE = "Plan des pistes cyclables"


def test_curator_saves_a_draft_then_publishes_it(wide, live_server):
    """Draft → publish: a draft (even unfinished) is kept non-public, listed on the dashboard
    with what to fix, and published from the same form once fixed."""
    page = wide
    page.goto(f"{live_server}/login")
    page.fill("#login", DEMO_LOGIN)
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/curator/")
    page.goto(f"{live_server}/curator/datasets/new")
    page.fill("#title", DRAFT_TITLE)  # no description yet: a violation, still saved
    page.select_option("#licence", LICENCE)
    page.fill("#dist-0-title", "Pistes (GeoJSON)")
    page.fill("#dist-0-url", "https://data.montfort.example/pistes.geojson")
    page.click("#save-draft")
    page.wait_for_url("**/edit?saved=1*")
    assert "Brouillon enregistré" in page.locator("[role=status]").inner_text()
    assert "Brouillon" in page.locator("#status").inner_text()
    draft_url = page.url.split("?")[0]
    record_id = draft_url.rstrip("/").split("/")[-2]

    # Not public: no page, not in search nor in the feed.
    assert page.request.get(f"{live_server}/datasets/{record_id}").status == 404
    feed = page.request.get(f"{live_server}/publishers/{DEMO_PUBLISHER}/catalog.ttl"
                            "?page_size=1000")
    assert DRAFT_TITLE not in feed.text()
    page.goto(f"{live_server}/search?q=pistes+cyclables")
    assert DRAFT_TITLE not in page.inner_text("main")

    # Listed on the dashboard with its fix, opened from there.
    page.goto(f"{live_server}/curator/")
    drafts = page.locator("#drafts + p + table")
    assert DRAFT_TITLE in drafts.inner_text() and "description" in drafts.inner_text()
    shot(page, "dashboard-drafts")
    page.click(f"text=Modifier et publier {DRAFT_TITLE}")
    page.wait_for_url(f"{draft_url}*")
    page.fill("#description", "Tracé des pistes et bandes cyclables de la commune.")
    page.click("#save")  # "Publier"
    page.wait_for_url("**/edit?saved=1*")
    assert "Publié" in page.locator("[role=status]").inner_text()
    assert page.request.get(f"{live_server}/datasets/{record_id}").status == 200
    page.goto(f"{live_server}/search?q=pistes+cyclables")
    page.wait_for_selector(f"text={DRAFT_TITLE}")


def test_keyboard_reaches_the_content_first(page, live_server):
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Aller au contenu" in focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_every_form_field_has_a_label(page, live_server):
    page.goto(f"{live_server}/login")
    page.fill("#login", DEMO_LOGIN)
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/curator/")
    for path in ("/curator/datasets/new", "/validation", "/search"):
        page.goto(f"{live_server}{path}")
        unlabeled = page.evaluate("""() => [...document.querySelectorAll(
            'input:not([type=hidden]):not([type=submit]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name)""")
        assert unlabeled == [], (path, unlabeled)
