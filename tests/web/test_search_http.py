"""Search that forgives, over HTTP on the demo catalogue: French stems, the any-word fallback
(ranked, and said so in the page's language), sorts, schema and territory facets, JSON."""

from __future__ import annotations

import re

import pytest

from service.web.formats import sort_key
from tests.conftest import BASE

JSON = {"Accept": "application/json"}
BUDGET = "https://schema.data.gouv.fr/scdl/budget/"
BEDEE = "http://id.insee.fr/geo/commune/35023"


@pytest.fixture(scope="module")
def demo(demo_app):
    return demo_app.test_client()


def found(demo, query: str = "", **params) -> dict:
    response = demo.get("/search", query_string={"q": query, **params}, headers=JSON)
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def ids(answer: dict) -> list[str]:
    return [item["id"] for item in answer["items"]]


def test_plurals_and_accents_find_the_same_records(demo):
    budget = found(demo, "budget")
    assert budget["total"] >= 3 and not budget["fallback"]
    assert found(demo, "budgets")["total"] == budget["total"]
    deliberations = found(demo, "délibérations")
    assert deliberations["total"] >= 4
    for variant in ("délibération", "deliberation", "DELIBERATIONS", "délib"):
        assert found(demo, variant)["total"] == deliberations["total"], variant


def test_fallback_answers_with_the_records_having_most_words_first(demo):
    assert found(demo, "budget primitif licorne")["total"] > 0
    answer = found(demo, "budget primitif licorne", page_size=100)
    assert answer["fallback"]
    budget, primitif = set(ids(found(demo, "budget"))), set(ids(found(demo, "primitif")))
    assert answer["total"] == len(budget | primitif)
    hits = [(i in budget) + (i in primitif) for i in ids(answer)]
    assert hits == sorted(hits, reverse=True) and hits[0] == 2 and hits[-1] == 1
    html = demo.get("/search?q=budget+primitif+licorne").get_data(as_text=True)
    assert "Aucun jeu de données ne contient tous les mots ; résultats approchants" in html
    english = demo.get("/search?q=budget+primitif+licorne&lang=en").get_data(as_text=True)
    assert "No dataset contains every word; closest results" in english
    assert "Aucun" not in english
    # Every word found: no fallback, no notice; one unknown word: nothing to approach.
    assert not found(demo, "budget primitif")["fallback"]
    assert "approchants" not in demo.get("/search?q=budget+primitif").get_data(as_text=True)
    nothing = found(demo, "licorne")
    assert nothing["total"] == 0 and not nothing["fallback"]


def test_sorts(demo):
    by_date = found(demo, sort="date")["items"]
    stamps = [item["modified"] for item in by_date]
    assert stamps == sorted(stamps, reverse=True)
    by_title = [item["title"] for item in found(demo, sort="title")["items"]]
    assert by_title == sorted(by_title, key=sort_key)  # French collation: É among the E
    everything = [i["title"] for i in found(demo, sort="title", page=2)["items"]]
    assert all(sort_key(a) <= sort_key(b) for a in by_title for b in everything)
    # Relevance: a record with the word in its title before one with it only further down.
    relevant = found(demo, "budget")["items"]
    assert "budget" in relevant[0]["title"].casefold()
    html = demo.get("/search?q=budget&sort=title&lang=fr").get_data(as_text=True)
    assert '<option value="title" selected>Titre</option>' in html
    assert 'sort=title' in re.search(r'<aside class="facets".*?</aside>', html, re.S).group(0)


def test_unknown_sort_is_a_400_problem(demo):
    response = demo.get("/search?sort=size", headers=JSON)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "sort" in response.get_json()["detail_fr"]
    browser = demo.get("/search?sort=size", headers={"Accept": "text/html"})
    assert browser.status_code == 400 and browser.mimetype == "text/html"


def test_schema_and_territory_facets(demo):
    facets = found(demo)["facets"]
    schemas = {f["value"]: f for f in facets["schema"]}
    assert schemas[BUDGET]["count"] >= 3
    assert schemas[BUDGET]["label"].startswith("Budget des collectivités")
    places = {f["value"]: f for f in facets["territory"]}
    assert places[BEDEE]["label"].startswith("Bédée")
    assert all(not v.startswith(BASE) for v in places)  # blank-node places: no facet value
    only = found(demo, schema=BUDGET, page_size=100)
    assert only["total"] == schemas[BUDGET]["count"]
    assert {f["value"] for f in only["facets"]["schema"]} >= {BUDGET}
    bedee = found(demo, territory=BEDEE)
    assert bedee["total"] == places[BEDEE]["count"]
    both = found(demo, "budget", territory=BEDEE)
    assert both["total"] <= bedee["total"]
    html = demo.get("/search?lang=fr").get_data(as_text=True)
    assert "<h3>Schéma de données</h3>" in html and "<h3>Territoire</h3>" in html
    assert re.search(r'href="/search\?schema=https[^"]+budget[^"]*">Budget des collectivités', html)
    english = demo.get("/search?lang=en").get_data(as_text=True)
    assert "<h3>Data schema</h3>" in english and "<h3>Territory</h3>" in english
