"""Favicon, robots.txt, sitemap.xml, the legal notice and the accessibility statement (their
texts configurable by the operator), and the footer linking them on every page."""

from __future__ import annotations

import re
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


def _protocol(body: bytes, limit: int) -> tuple[str, list[tuple[str, str | None]]]:
    """Checks one file against the sitemaps.org protocol (0.9) and gives (root kind, [(loc,
    lastmod)]): UTF-8, the protocol's namespace, `<urlset>` of `<url>` or `<sitemapindex>`
    of `<sitemap>`, each with exactly one absolute `<loc>` under 2,048 characters, an
    optional W3C date `<lastmod>`, nothing else, and at most `limit` (≤ 50,000) entries."""
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(body)
    kind = root.tag.removeprefix(SM)
    assert kind in ("urlset", "sitemapindex"), root.tag
    child = {"urlset": "url", "sitemapindex": "sitemap"}[kind]
    allowed = {"loc", "lastmod"} | ({"changefreq", "priority"} if kind == "urlset" else set())
    entries = []
    for entry in root:
        assert entry.tag == f"{SM}{child}", entry.tag
        tags = [e.tag.removeprefix(SM) for e in entry]
        assert tags.count("loc") == 1 and set(tags) <= allowed, tags
        loc = entry.findtext(f"{SM}loc")
        assert loc.startswith(("http://", "https://")) and len(loc) < 2048
        last = entry.findtext(f"{SM}lastmod")
        assert last is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", last), last
        entries.append((loc, last))
    assert 0 < len(entries) <= min(limit, 50_000)
    return kind, entries


def test_sitemap_index_beyond_the_limit(app, client, auth, valid_ttl):
    """Past the per-file limit (lowered here through the app config), /sitemap.xml is a
    sitemap index of numbered files that together list every URL once, in the same order as
    the single file under the limit."""
    for rid in ("deliberations-montfort", "budget-montfort", "subventions-montfort"):
        ttl = valid_ttl.replace('"deliberations-montfort"', f'"{rid}"')
        assert post_ttl(client, ttl, auth).status_code == 201
    kind, whole = _protocol(client.get("/sitemap.xml").get_data(), 50_000)
    assert kind == "urlset" and len(whole) == 10  # 6 pages, 1 publisher, 3 records
    assert client.get("/sitemap-1.xml").status_code == 200  # the single file, numbered too
    app.config["SITEMAP_LIMIT"] = 3
    r = client.get("/sitemap.xml")
    assert r.content_type.startswith("application/xml")
    kind, files = _protocol(r.get_data(), 50_000)  # 4 files; the index has its own limit
    assert kind == "sitemapindex"
    assert [loc for loc, _ in files] == [f"{BASE}/sitemap-{k}.xml" for k in range(1, 5)]
    listed = []
    for loc, _ in files:
        part = client.get(loc.removeprefix(BASE))
        assert part.status_code == 200 and part.content_type.startswith("application/xml")
        kind, urls = _protocol(part.get_data(), 3)
        assert kind == "urlset"
        listed += urls
    assert listed == whole
    for missing in ("/sitemap-0.xml", "/sitemap-5.xml"):
        assert client.get(missing, headers={"Accept": "text/html"}).status_code == 404
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert f"Sitemap: {BASE}/sitemap.xml" in robots
