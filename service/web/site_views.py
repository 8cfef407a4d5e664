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
from pathlib import Path
from xml.sax.saxutils import escape

from flask import Blueprint, Response, render_template

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


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """The public pages: home, search, publishers, territories, legal pages, and the
    records' pages, newest first (the first 50,000 URLs)."""
    from service.catalog.publishers import list_publishers
    from service.web.public_views import search_index

    base = services().settings.base_url
    urls: list[tuple[str, str | None]] = [
        (f"{base}{p}", None) for p in ("/", "/search", "/publishers", "/territories",
                                       "/mentions-legales", "/accessibilite")]
    urls += [(f"{base}/publishers/{p.id}", None) for p in list_publishers(services().store)]
    room = SITEMAP_LIMIT - len(urls)
    urls += [(f"{base}/datasets/{d.id}", d.modified.date().isoformat())
             for d in search_index().latest(room)]
    body = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, modified in urls:
        last = f"<lastmod>{modified}</lastmod>" if modified else ""
        body.append(f"<url><loc>{escape(loc)}</loc>{last}</url>")
    body.append("</urlset>")
    return Response("\n".join(body), content_type="application/xml; charset=utf-8")


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
