"""Public pages: search with facets, the publisher page (the dataset page is
web/dataset_render.py, served by the records API)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, url_for

from service.catalog import bookkeeping
from service.catalog.publishers import get_publisher, list_publishers
from service.errors import SocleError
from service.search import FACETS, SORTS, SearchIndex
from service.services import services
from service.web import completeness, vocabulary
from service.web.dataset_render import vocabularies
from service.web.errors import html_errors, prefers_html, wants_json
from service.web.formats import collated
from service.web.i18n import current, t

bp = Blueprint("public", __name__)
html_errors(bp)
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000  # an offset SQLite can hold, whatever the client sends
FACET_NAMES = {"publisher": ("Éditeur", "Publisher"), "theme": ("Thème", "Theme"),
               "schema": ("Schéma de données", "Data schema"),
               "territory": ("Territoire", "Territory"),
               "format": ("Format", "Format"), "licence": ("Licence", "Licence"),
               "frequency": ("Fréquence", "Frequency")}
SORT_NAMES = {"relevance": ("Pertinence", "Relevance"), "date": ("Date de modification",
              "Date modified"), "title": ("Titre", "Title")}
FACET_SHOWN = 12


def search_index() -> SearchIndex:
    index = services().search
    assert index is not None, "create_app builds it"
    return index


def _vocab() -> vocabulary.Vocabularies:
    return vocabularies()


def publisher_names() -> dict[str, str]:
    return {p.id: p.name for p in list_publishers(services().store)}


def value_label(facet: str, value: str, names: dict[str, str]) -> str:
    if facet == "publisher":
        return names.get(value, value)
    if facet == "territory":
        from service.territories.registry import registry

        place = registry().by_iri(value)
        if place is not None:
            return place.label
    return _vocab().label(value, current()) or value.rstrip("/").rsplit("/", 1)[-1]


@bp.get("/search")
def search():
    query = request.args.get("q", "").strip()[:200]
    filters = {f: request.args.get(f, "") for f in FACETS if request.args.get(f)}
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    size = min(max(request.args.get("page_size", PAGE_SIZE, type=int), 1), MAX_PAGE_SIZE)
    sort = request.args.get("sort", "")
    if sort and sort not in SORTS:
        raise SocleError(f"Tri inconnu : « sort » vaut {', '.join(SORTS)}, reçu « {sort[:40]} ».",
                         f"Unknown sort: 'sort' is one of {', '.join(SORTS)}, got "
                         f"'{sort[:40]}'.", parameter="sort")
    result = search_index().search(query, filters, offset=(page - 1) * size, limit=size,
                                   sort=sort or "relevance")
    names = publisher_names()
    pages = max(1, -(-result.total // size))
    if wants_json():
        return jsonify(search_json(query, filters, result, page, size, names))

    def link(**changes) -> str:
        args = {"q": query, **filters, "sort": sort, "page": page,
                "page_size": size if size != PAGE_SIZE else None}
        args.update(changes)
        return url_for("public.search", **{k: v for k, v in args.items() if v})

    facets = []
    for facet in FACETS:
        entries = [(value, value_label(facet, value, names), n, filters.get(facet) == value)
                   for value, n in result.facets[facet][:FACET_SHOWN]]
        facets.append((facet, t(*FACET_NAMES[facet]), entries))
    return render_template("public/search.html", query=query, filters=filters, result=result,
                           page=page, pages=pages, facets=facets, link=link, names=names,
                           value_label=value_label, sort=sort or "relevance", page_size=size,
                           sorts=[(k, t(*SORT_NAMES[k])) for k in SORTS])


def search_json(query: str, filters: dict[str, str], result, page: int, size: int,
                names: dict[str, str]) -> dict:
    """The search answer for API clients (`Accept: application/json`)."""
    base = services().settings.base_url
    return {
        "query": query, "filters": filters, "sort": result.sort, "page": page,
        "page_size": size, "total": result.total, "fallback": result.fallback,
        "items": [{"id": d.id, "iri": d.iri, "url": f"{base}/datasets/{d.id}",
                   "title": d.title, "publisher": d.publisher,
                   "modified": d.modified.isoformat(), "description": d.description,
                   "keywords": list(d.keywords)} for d in result.docs],
        "facets": {f: [{"value": v, "label": value_label(f, v, names), "count": n}
                       for v, n in result.facets[f]] for f in FACETS}}


@bp.get("/publishers")
def publishers():
    """Every publisher, by name (French collation), with its dataset count; JSON for API
    clients."""
    counts = search_index().counts("publisher")
    pubs = collated(list_publishers(services().store), key=lambda p: p.name)
    if not prefers_html():
        return jsonify({"items": [{"id": p.id, "name": p.name, "siren": p.siren, "iri": p.iri,
                                   "datasets": counts.get(p.id, 0)} for p in pubs]})
    return render_template("public/publishers.html", publishers=pubs, counts=counts)


@bp.get("/publishers/<publisher_id>")
def publisher(publisher_id: str):
    settings = services().settings
    pub = get_publisher(services().store, settings.base_url, publisher_id)
    index = search_index()
    total = index.counts("publisher").get(pub.id, 0)
    page = max(request.args.get("page", 1, type=int), 1)
    docs = index.search("", {"publisher": pub.id}, offset=(page - 1) * PAGE_SIZE,
                        limit=PAGE_SIZE).docs
    base = f"{settings.base_url}/publishers/{pub.id}/catalog"
    datagouv = f"{base}.ttl" if pub.profile == "datagouv" else f"{base}.ttl?profile=datagouv"
    feeds = [
        ("data.gouv.fr", datagouv, "datagouv"),
        ("data.europa.eu", f"{base}.rdf?profile=dcat-ap-2.1.1", "dcat-ap-2.1.1"),
        (t("Tout moissonneur DCAT-AP 3", "Any DCAT-AP 3 harvester"), f"{base}.ttl", "dcat-ap-3"),
    ]
    bars = completeness.completeness(services().store, pub.id)
    chart = completeness.svg(bars, current(), t(
        f"Complétude des champs recommandés — {pub.name}",
        f"Completeness of the recommended fields — {pub.name}"))
    return render_template("public/publisher.html", pub=pub, docs=docs, total=total,
                           page=page, pages=max(1, -(-total // PAGE_SIZE)), feeds=feeds,
                           bars=bars, chart=chart)


def home_context() -> dict:
    store = services().store
    index = search_index()
    latest = index.latest(10)
    per_publisher = index.counts("publisher")
    return {"publishers": list_publishers(store), "per_publisher": per_publisher,
            "total": len(index), "latest": latest,
            "themes": sorted(index.counts("theme").items(), key=lambda kv: -kv[1])[:8],
            "formats": len(index.counts("format")),
            "with_warnings": None, "names": publisher_names(),
            "theme_label": lambda iri: _vocab().label(iri, current()) or iri,
            "bookkeeping_total": bookkeeping.count_records(store)}
