"""Public pages at the HTTP level on the demo catalogue: search, facets, dataset, publisher."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import BASE


@pytest.fixture(scope="module")
def demo(demo_app):
    return demo_app.test_client()


def _count(html: str) -> int:
    return int(re.search(r'id="results-title"[^>]*>(\d+)', html).group(1))


def test_home_has_figures_publishers_and_latest(demo):
    html = demo.get("/").get_data(as_text=True)
    assert "31" in html and "Montfort Communauté" in html
    assert html.count('href="/datasets/') >= 10
    assert '<html lang="fr">' in html


def test_search_matches_words_without_accents_and_prefixes(demo):
    everything = _count(demo.get("/search").get_data(as_text=True))
    assert everything == 31
    some = _count(demo.get("/search?q=deliberations").get_data(as_text=True))
    assert 0 < some < 31
    assert _count(demo.get("/search?q=délib").get_data(as_text=True)) == some
    assert _count(demo.get("/search?q=zzzzzz").get_data(as_text=True)) == 0


def test_facets_filter_and_count(demo):
    html = demo.get("/search").get_data(as_text=True)
    for name in ("Éditeur", "Thème", "Format", "Licence", "Fréquence"):
        assert f"<h3>{name}</h3>" in html
    match = re.search(r'href="(/search\?publisher=bedee)">[^<]+</a> <span class="muted">'
                      r'\((\d+)\)', html)
    assert match, "publisher facet link"
    filtered = demo.get(match.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert _count(filtered) == int(match.group(2))
    assert 'aria-current="true"' in filtered


def test_paging(demo):
    html = demo.get("/search").get_data(as_text=True)
    assert 'rel="next"' in html
    second = demo.get("/search?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second and second.count('<li><a href="/datasets/') == 11


def test_dataset_page_alternates_jsonld_and_distributions(demo):
    html = demo.get("/search?q=deliberations+breteil").get_data(as_text=True)
    record = re.search(r'href="/datasets/([^"]+)"', html).group(1)
    page = demo.get(f"/datasets/{record}", headers={"Accept": "text/html"}) \
        .get_data(as_text=True)
    for suffix, media in (("ttl", "text/turtle"), ("rdf", "application/rdf+xml"),
                          ("jsonld", "application/ld+json"), ("nt", "application/n-triples")):
        assert f'<link rel="alternate" type="{media}" href="/datasets/{record}.{suffix}"' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page,
                                re.S).group(1))
    assert data["@type"] == "Dataset" and data["@context"] == "https://schema.org"
    assert data["name"] and data["distribution"][0]["contentUrl"].startswith("https://")
    assert "Télécharger" in page and "Licence" in page and "Conforme" in page
    assert "Licence Ouverte" in page  # vocabulary label, not the IRI


def test_publisher_page_feeds_and_chart(demo):
    html = demo.get("/publishers/montfort-sur-meu").get_data(as_text=True)
    assert f"{BASE}/publishers/montfort-sur-meu/catalog.ttl?profile=datagouv" in html
    assert f"{BASE}/publishers/montfort-sur-meu/catalog.rdf?profile=dcat-ap-2.1.1" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert "data.gouv.fr" in html and "data.europa.eu" in html
    assert demo.get("/publishers/nobody").status_code == 404


def test_english_switch(demo):
    html = demo.get("/search?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "31 results" in html
    html = demo.get("/").get_data(as_text=True)  # remembered by the cookie
    assert "Latest datasets" in html
    html = demo.get("/?lang=fr").get_data(as_text=True)
    assert "Derniers jeux de données" in html
