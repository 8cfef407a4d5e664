"""What every public site needs besides its pages: favicon, robots.txt, sitemap.xml, and the
legal notice and accessibility statement a French public site must link from every page
(RGAA: the statement, and its compliance status in the footer).

The two texts are the operator's: plain-text files named by `SOCLE_LEGAL_NOTICE_FILE` and
`SOCLE_ACCESSIBILITY_FILE` (paragraphs separated by blank lines, shown as written, escaped),
read at each request so an edit needs no restart. Without them, a default text names the
operator (`SOCLE_OPERATOR_NAME`) and says what the operator must fill in.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, render_template

from service.services import services
from service.web.i18n import t

bp = Blueprint("site", __name__)
SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org protocol)
PRIVATE = ("/curator/", "/login", "/logout", "/sparql", "/validate", "/admin")


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers that ignore the page's `<link rel=icon>` ask here: the same SVG."""
    from flask import send_from_directory

    response = send_from_directory(Path(__file__).parent / "static", "favicon.svg",
                                   mimetype="image/svg+xml", max_age=86400)
    return response


@bp.get("/robots.txt")
def robots() -> Response:
    base = services().settings.base_url
    lines = ["User-agent: *", *[f"Disallow: {p}" for p in PRIVATE], "",
             f"Sitemap: {base}/sitemap.xml", ""]
    return Response("\n".join(lines), content_type="text/plain; charset=utf-8")


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _limit() -> int:
    """URLs per file: the protocol's 50,000, lowered by the app config `SITEMAP_LIMIT` (the
    tests use it to reach the index without 50,000 records)."""
    return max(1, int(current_app.config.get("SITEMAP_LIMIT", SITEMAP_LIMIT)))


def _head(base: str) -> list[str]:
    """The fixed public pages and the publishers' pages: what comes before the records."""
    from service.catalog.publishers import list_publishers

    urls = [f"{base}{p}" for p in ("/", "/search", "/publishers", "/territories",
                                   "/mentions-legales", "/accessibilite")]
    return urls + [f"{base}/publishers/{p.id}" for p in list_publishers(services().store)]


def _urls(base: str, head: list[str], start: int, end: int) -> list[tuple[str, str | None]]:
    """URLs start..end-1 of the whole list: the head, then the records newest first."""
    from service.web.public_views import search_index

    urls: list[tuple[str, str | None]] = [(u, None) for u in head[start:end]]
    first = max(0, start - len(head))
    room = end - len(head) - first
    if room > 0:
        urls += [(f"{base}/datasets/{rid}", datetime.fromisoformat(stamp).date().isoformat())
                 for rid, stamp in search_index().listing(first, room)]
    return urls


def _files() -> tuple[str, list[str], int, int]:
    """(base URL, head, total URL count, number of sitemap files)."""
    from service.web.public_views import search_index

    base = services().settings.base_url
    head = _head(base)
    total = len(head) + len(search_index())
    return base, head, total, max(1, -(-total // _limit()))


def _xml(lines: list[str]) -> Response:
    return Response("\n".join(['<?xml version="1.0" encoding="UTF-8"?>', *lines]),
                    content_type="application/xml; charset=utf-8")


def _urlset(urls: list[tuple[str, str | None]]) -> Response:
    body = [f'<urlset xmlns="{SITEMAP_NS}">']
    for loc, modified in urls:
        last = f"<lastmod>{modified}</lastmod>" if modified else ""
        body.append(f"<url><loc>{escape(loc)}</loc>{last}</url>")
    return _xml([*body, "</urlset>"])


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """The public pages: home, search, publishers, territories, legal pages, each publisher,
    and the records' pages newest first. Up to the protocol's limit per file it is that list;
    beyond, a sitemap index naming `/sitemap-1.xml`, `/sitemap-2.xml`, … (search engines read
    the index at the address robots.txt gives)."""
    base, head, total, files = _files()
    if files == 1:
        return _urlset(_urls(base, head, 0, total))
    body = [f'<sitemapindex xmlns="{SITEMAP_NS}">']
    body += [f"<sitemap><loc>{escape(f'{base}/sitemap-{k}.xml')}</loc></sitemap>"
             for k in range(1, files + 1)]
    return _xml([*body, "</sitemapindex>"])


@bp.get("/sitemap-<int:number>.xml")
def sitemap_file(number: int) -> Response:
    """One numbered file of the index: URLs (number-1)×limit onwards, at most limit."""
    base, head, total, files = _files()
    if not 1 <= number <= files:
        abort(404)
    limit = _limit()
    return _urlset(_urls(base, head, (number - 1) * limit, min(number * limit, total)))


def _paragraphs(variable: str) -> list[str] | None:
    path = os.environ.get(variable)
    if not path or not Path(path).is_file():
        return None
    text = Path(path).read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


@bp.get("/mentions-legales")
def legal_notice():
    operator = services().settings.operator_name
    return render_template("site/text.html", title=t("Mentions légales", "Legal notice"),
                           paragraphs=_paragraphs("SOCLE_LEGAL_NOTICE_FILE"),
                           default="legal", operator=operator)


@bp.get("/accessibilite")
def accessibility():
    operator = services().settings.operator_name
    return render_template("site/text.html",
                           title=t("Déclaration d'accessibilité", "Accessibility statement"),
                           paragraphs=_paragraphs("SOCLE_ACCESSIBILITY_FILE"),
                           default="accessibility", operator=operator)
