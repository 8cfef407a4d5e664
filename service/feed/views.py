"""GET /catalog and /publishers/{id}/catalog: the paged, harvestable DCAT feed."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import datetime
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, request
from werkzeug.wsgi import wrap_file

from service.catalog.publishers import get_publisher
from service.errors import NotFound, SocleError
from service.feed.assemble import assemble
from service.feed.index import Entry, Filters, Snapshot
from service.feed.page import (
    CatalogInfo,
    Paging,
    catalog_triples,
    hydra_triples,
    sub_description,
)
from service.feed.references import relink_dangling
from service.rdf.formats import BY_SUFFIX, RdfSyntax
from service.rdf.namespaces import PREFIXES
from service.rdf.negotiate import choose
from service.rdf.profiles import DEFAULT as DEFAULT_PROFILE
from service.rdf.profiles import FEED_ONLY, feed_profile
from service.services import services

bp = Blueprint("feed", __name__)

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def _int_arg(name: str, default: int, low: int, high: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        bounds = f"{low}–{high}" if high else f"≥ {low}"
        raise SocleError(f"Paramètre {name} invalide « {raw} » : entier {bounds} attendu.",
                         f"Invalid {name} '{raw}': integer {bounds} expected.",
                         parameter=name)
    return value


def _filters(publisher: str | None) -> Filters:
    since = request.args.get("modified_since")
    parsed = None
    if since:
        try:
            parsed = datetime.fromisoformat(since.replace("Z", "+00:00"))
        except ValueError:
            raise SocleError(
                f"modified_since invalide « {since} » : date ISO 8601 attendue "
                "(2024-01-31 ou 2024-01-31T12:00:00Z).",
                f"Invalid modified_since '{since}': ISO 8601 expected "
                "(2024-01-31 or 2024-01-31T12:00:00Z).", parameter="modified_since") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.now().astimezone().tzinfo)
    return Filters(publisher=publisher or request.args.get("publisher"),
                   theme=request.args.get("theme"), keyword=request.args.get("keyword"),
                   modified_since=parsed)


@bp.route("/catalog", methods=["GET", "HEAD"])
@bp.route("/catalog.<ext>", methods=["GET", "HEAD"])
def catalog(ext: str | None = None):
    settings = services().settings
    base = settings.base_url
    parts = services().sub_catalogs.get(services().store, base)
    info = CatalogInfo(f"{base}/catalog", settings.catalog_title, settings.catalog_description,
                       f"{base}/operator", settings.operator_name, f"{base}/", parts)
    return _feed(info, "/catalog", ext, None)


@bp.route("/publishers/<publisher_id>/catalog", methods=["GET", "HEAD"])
@bp.route("/publishers/<publisher_id>/catalog.<ext>", methods=["GET", "HEAD"])
def publisher_catalog(publisher_id: str, ext: str | None = None):
    svc = services()
    pub = get_publisher(svc.store, svc.settings.base_url, publisher_id)
    base = svc.settings.base_url
    info = CatalogInfo(f"{base}/publishers/{pub.id}/catalog", f"Catalogue — {pub.name}",
                       sub_description(pub.name), pub.iri, pub.name, f"{base}/")
    return _feed(info, f"/publishers/{pub.id}/catalog", ext, pub.id, pub.profile)


def _syntax(ext: str | None) -> RdfSyntax:
    suffix = None
    if ext is not None:
        suffix = BY_SUFFIX.get(ext)
        if suffix is None:
            raise NotFound(f"Format inconnu « .{ext} » (.ttl, .rdf, .jsonld, .nt).",
                           f"Unknown format '.{ext}' (.ttl, .rdf, .jsonld, .nt).")
    return choose(request.accept_mimetypes, suffix, html=False)  # type: ignore[return-value]


def _feed(info: CatalogInfo, path: str, ext: str | None, publisher: str | None,
          default_profile: str | None = None) -> Response:
    svc = services()
    syntax = _syntax(ext)
    profile_name = request.args.get("profile") or default_profile or DEFAULT_PROFILE
    profile, graphs = feed_profile(profile_name)
    page = _int_arg("page", 1, 1)
    size = _int_arg("page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    filters = _filters(publisher)
    snap, stored, turtle = _page(filters, (page - 1) * size, size, profile_name, syntax)
    last = max(1, -(-snap.total // size))
    if page > last:
        raise NotFound(f"Page {page} au-delà de la dernière ({last}).",
                       f"Page {page} is beyond the last one ({last}).", last_page=last)
    etag = _etag(snap, request.full_path, f"{syntax.name}|{profile_name}")
    response = Response(content_type=syntax.content_type)
    response.set_etag(etag)
    response.last_modified = snap.changed_at
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, max-age=60"
    if profile_name in FEED_ONLY:  # scores change without a record write: no validator
        response.headers["Cache-Control"] = "no-cache"
        del response.headers["ETag"]
        response.last_modified = None
    elif request.if_none_match.contains(etag) or (
            not request.if_none_match and request.if_modified_since
            and request.if_modified_since >= snap.changed_at):
        response.status_code = 304
        return response
    suffix_path = f"{svc.settings.base_url}{path}" + (f".{ext}" if ext else "")
    paging = _paging(suffix_path, page, last, size, snap.total)
    # One value for every page: harvesters merge pages, and dct:modified is at most one.
    modified = snap.last_modified or _stamp(snap.changed_at)
    iris = [e.iri for e in snap.entries]
    if stored:  # the records' stored output in this profile (service/feed/assemble.py)
        built = assemble([e.stored for e in snap.entries if e.stored is not None],
                         svc.feed_index.known_iris)
        head = _head(info, modified, iris, built.services, paging)
        if turtle:  # the stored blocks after the catalogue, Hydra and the enrichment
            enriched = parse_lines(b"".join(built.enrichment))
            return _whole(response, _serialize(head + enriched, syntax) + built.turtle)
        if syntax.name == "ntriples":  # no parsing: the stored lines as they are
            # one body: waitress sends one buffer faster than ~100 pieces (benchmarks.md)
            return _whole(response, built.ntriples(_serialize(head, syntax)))
        return _whole(response, _serialize(head + parse_lines(built.ntriples()), syntax))
    extra = svc.store.triples(graphs([(e.id, e.iri) for e in snap.entries]))
    records = relink_dangling(list(profile([*record_triples(snap.entries), *extra])),
                              svc.feed_index.known_iris)
    head = _head(info, modified, iris, data_services(records), paging)
    # HEAD answers the same headers as GET, Content-Length included (udata sends HEAD to
    # detect the format); Werkzeug drops the body.
    return _whole(response, _serialize(head + records, syntax))


def _whole(response: Response, body: bytes) -> Response:
    """The page as the server's file wrapper over the bytes (PEP 3333 ``wsgi.file_wrapper``),
    Content-Length set. waitress copies a bytes body into its output buffer and reads it
    back for each send, which cost a feed page about as much as reading its rows
    (docs/benchmarks.md, "Feed"); a wrapped ``BytesIO`` is sent from the bytes themselves.
    Elsewhere (the test client) Werkzeug's own wrapper iterates over it."""
    response.response = wrap_file(request.environ, io.BytesIO(body))
    response.direct_passthrough = True
    response.content_length = len(body)
    return response


def _page(filters: Filters, start: int, size: int, profile: str,
          syntax: RdfSyntax) -> tuple[Snapshot, str | None, bool]:
    """(the page, the stored profile it carries or None, whether as Turtle blocks)."""
    index = services().feed_index
    if not index.stores(profile):
        return index.page(filters, start, size), None, False
    turtle = syntax.name == "turtle"
    snap = index.page(filters, start, size, profile, turtle)
    if turtle and any(e.stored is not None and e.stored.links for e in snap.entries):
        # links that may be relinked (assemble.py): done on the lines, then serialised
        turtle, snap = False, index.page(filters, start, size, profile)
    if any(e.stored is None for e in snap.entries):
        return index.page(filters, start, size), None, False
    return snap, profile, turtle


def _head(info: CatalogInfo, modified: str, iris: list[str], services: frozenset[str],
          paging: Paging) -> list[ox.Triple]:
    head = [*catalog_triples(info, modified, iris, services), *hydra_triples(info.iri, paging)]
    # Group by subject, catalogue first, so that Turtle reads as one block per node.
    head.sort(key=lambda t: (t.subject.value != info.iri, t.subject.value))
    return head


def parse_lines(text: str | bytes) -> list[ox.Triple]:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def record_triples(entries: list[Entry]) -> list[ox.Triple]:
    """The page's records from their stored N-Triples texts (the derived store): parsing
    text costs a fraction of decoding the same quads from the store (docs/benchmarks.md)."""
    return parse_lines("\n".join(e.text for e in entries if e.text))


_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DATA_SERVICE = ox.NamedNode("http://www.w3.org/ns/dcat#DataService")


def data_services(triples: list[ox.Triple]) -> frozenset[str]:
    """The IRIs typed dcat:DataService among a page's records (listed under dcat:service)."""
    return frozenset(t.subject.value for t in triples
                     if isinstance(t.subject, ox.NamedNode) and t.predicate == _TYPE
                     and t.object == _DATA_SERVICE)


def _stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _etag(snap: Snapshot, full_path: str, syntax: str) -> str:
    key = f"{snap.version}|{snap.changed_at.isoformat()}|{full_path}|{syntax}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _paging(url: str, page: int, last: int, size: int, total: int) -> Paging:
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]

    def link(n: int) -> str:
        query = urlencode([*kept, ("page", str(n))])
        return f"{url}?{query}"

    return Paging(this=link(page), first=link(1), last=link(last),
                  next=link(page + 1) if page < last else None,
                  previous=link(page - 1) if page > 1 else None, total=total, page_size=size)


def _serialize(triples: list[ox.Triple], syntax: RdfSyntax) -> bytes:
    if syntax.name == "jsonld":
        # Expanded JSON-LD from Oxigraph under an inline context: valid, and no remote context.
        expanded = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD))
        return json.dumps({"@context": PREFIXES, "@graph": expanded},
                          ensure_ascii=False).encode("utf-8")
    prefixes = PREFIXES if syntax.name in ("turtle", "rdfxml") else None
    return ox.serialize(triples, format=syntax.oxigraph, prefixes=prefixes)


