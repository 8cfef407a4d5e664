"""Favicon, robots.txt, sitemap.xml, the legal notice and the accessibility statement (their
texts configurable by the operator), and the footer linking them on every page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.conftest import BASE, post_ttl

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_footer_on_every_page(client):
    for path in ("/", "/search", "/publishers", "/validation", "/login", "/nowhere"):
        html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        footer = html.split("<footer", 1)[1]
        assert 'href="/mentions-legales"' in footer and 'href="/accessibilite"' in footer, path
        assert "partiellement conforme" in footer
        assert 'rel="icon"' in html


def test_favicon_robots_and_sitemap(client, svc, auth, valid_ttl):
    assert post_ttl(client, valid_ttl, auth).status_code == 201
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.content_type.startswith("image/svg+xml")
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /curator/" in robots and f"Sitemap: {BASE}/sitemap.xml" in robots
    r = client.get("/sitemap.xml")
    assert r.status_code == 200 and r.content_type.startswith("application/xml")
    urls = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod")
            for u in ET.fromstring(r.get_data()).iter(f"{SM}url")}
    assert f"{BASE}/" in urls and f"{BASE}/publishers/montfort" in urls
    assert urls[f"{BASE}/datasets/deliberations-montfort"]  # with its last modification
    assert not [u for u in urls if "/curator" in u or "/login" in u]


def test_legal_texts_are_the_operators(client, tmp_path, monkeypatch):
    default = client.get("/mentions-legales").get_data(as_text=True)
    assert "SOCLE_LEGAL_NOTICE_FILE" in default
    notice = tmp_path / "mentions.txt"
    notice.write_text("Directeur de la publication : M. Dupont.\n\nHébergeur : <Région>.",
                      encoding="utf-8")
    monkeypatch.setenv("SOCLE_LEGAL_NOTICE_FILE", str(notice))
    html = client.get("/mentions-legales").get_data(as_text=True)
    assert "<p>Directeur de la publication : M. Dupont.</p>" in html
    assert "&lt;Région&gt;" in html and "SOCLE_LEGAL_NOTICE_FILE" not in html
    statement = client.get("/accessibilite").get_data(as_text=True)
    assert "État de conformité : partiellement conforme" in statement
    english = client.get("/accessibilite?lang=en").get_data(as_text=True)
    assert "Compliance status: partially compliant" in english and "État" not in english
