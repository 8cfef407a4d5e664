"""Records over HTTP: create, read (negotiated), replace, delete, validate."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import format_datetime

from flask import Blueprint, Response, jsonify, request, url_for
from rdflib import Graph

from service.auth.tokens import require_publisher
from service.catalog import bookkeeping
from service.catalog.bookkeeping import RecordMeta
from service.catalog.rules import not_found
from service.errors import NotFound, SocleError, UnsupportedMediaType
from service.rdf.formats import SYNTAXES, syntax_for_media_type
from service.rdf.isolate import isolation_of, parse_untrusted
from service.rdf.limits import RECORD
from service.rdf.negotiate import choose, split_suffix
from service.rdf.parse import to_oxigraph_triples, to_rdflib
from service.rdf.profiles import get_profile
from service.rdf.records import find_roots
from service.rdf.repair import declared_language, repair_triples
from service.rdf.serialize import serialize
from service.records import private_views
from service.records.private_views import asked_status
from service.services import services
from service.territories.delegation import acting_publisher, writer_for_record

bp = Blueprint("records", __name__)


def _body_graph() -> Graph:
    syntax = syntax_for_media_type(request.content_type)
    if syntax is None:
        accepted = ", ".join(s.media_type for s in SYNTAXES)
        raise UnsupportedMediaType(
            f"Type de contenu « {request.content_type or 'absent'} » non pris en charge ; "
            f"acceptés : {accepted}.",
            f"Content-Type '{request.content_type or 'missing'}' not supported; "
            f"accepted: {accepted}.",
        )
    data = request.get_data(cache=False)
    if not data.strip():
        raise SocleError("Corps de requête vide.", "Empty request body.")
    settings = services().settings
    return parse_untrusted(data, syntax, f"{settings.base_url}/datasets/", RECORD,
                           isolation_of(settings))


def _repaired_body() -> tuple[Graph, list[dict]]:
    """The request body, run through the repair step when asked (``?repair=1``; harvest and
    import always repair): the repairs go back in the answer, or in the problem."""
    graph = _body_graph()
    if request.args.get("repair") not in ("1", "true", "yes"):
        return graph, []
    roots = find_roots(graph)
    triples, repairs = repair_triples(graph, roots[0] if len(roots) == 1 else None,
                                      language=declared_language(graph))
    repaired = Graph()
    for triple in triples:
        repaired.add(triple)
    return repaired, [r.to_dict() for r in repairs]


@contextmanager
def _reporting(repairs: list[dict]) -> Iterator[None]:
    """A refused write still says what the repair step changed."""
    try:
        yield
    except SocleError as err:
        if repairs:
            err.extra.setdefault("repairs", repairs)
        raise


def _writer() -> str:
    return require_publisher(services().files, request.headers.get("Authorization"))


def _write_body(result, status: int, repairs: list[dict] | None = None) -> Response:
    meta = result.meta
    body = {
        "id": meta.id, "iri": meta.iri, "outcome": result.outcome,
        "url": f"{services().settings.base_url}/datasets/{meta.id}",
        "publisher": meta.publisher, "modified": meta.modified,
        "status": meta.status, "validation": result.report,
    }
    if result.dropped:  # statements about shared vocabulary IRIs (catalog/ownership.py)
        body["dropped"] = list(result.dropped)
    if repairs:
        body["repairs"] = repairs
    response = jsonify(body)
    response.status_code = status
    return response


@bp.post("/datasets")
def create():
    # ?publisher=: an EPCI token writing for a member commune (docs/territories.md).
    writer = acting_publisher(services().store, _writer(), request.args.get("publisher"))
    status = asked_status()  # ?status=draft: kept non-public (docs/api.md)
    graph, repairs = _repaired_body()
    with _reporting(repairs):
        result = services().records.create(writer, graph, status)
    response = _write_body(result, 201, repairs)
    response.headers["Location"] = f"{services().settings.base_url}/datasets/{result.meta.id}"
    return response


@bp.get("/datasets/<name>")
def read(name: str):
    record_id, suffix = split_suffix(name)
    try:
        meta = services().records.meta(record_id)
    except NotFound:  # a draft or quarantined record: its publisher's token only
        if not request.headers.get("Authorization"):
            raise
        meta = services().records.private_meta(_writer(), record_id)
    # Without ?profile= the record is served as stored (what PUT round-trips); with it, as
    # the feed serves it to that harvester (docs/harvesters.md).
    profile_name = request.args.get("profile")
    profile = get_profile(profile_name) if profile_name is not None else None
    chosen = choose(request.accept_mimetypes, suffix)
    graph = services().records.graph(meta)
    if isinstance(chosen, str):  # HTML (browsers): the dataset page, for public records only
        if not meta.public:
            raise not_found(record_id)
        from service.web.dataset_render import dataset_html

        return dataset_html(meta, graph)
    if profile is not None:
        graph = to_rdflib(profile(to_oxigraph_triples(graph)))
    response = Response(serialize(graph, chosen), content_type=chosen.content_type)
    _cache_headers(response, meta, profile_name)
    if not meta.public:
        private_views.mark(response, meta)
    return response.make_conditional(request)


def _cache_headers(response: Response, meta: RecordMeta, profile: str | None = None) -> None:
    etag = meta.content_hash[:32]
    if profile is not None:
        etag = hashlib.sha256(f"{meta.content_hash}|{profile}".encode()).hexdigest()[:32]
    response.set_etag(etag)
    response.headers["Last-Modified"] = _http_date(meta.modified)
    response.headers["Vary"] = "Accept"
    query = {"profile": profile} if profile is not None else {}
    response.headers["Link"] = ", ".join(
        f'<{url_for("records.read", name=f"{meta.id}.{s.suffix}", _external=False, **query)}>; '
        f'rel="alternate"; type="{s.media_type}"' for s in SYNTAXES)


def _http_date(stamp: str) -> str:
    return format_datetime(datetime.fromisoformat(stamp.replace("Z", "+00:00")), usegmt=True)


@bp.put("/datasets/<name>")
def replace(name: str):
    writer = _writer()
    record_id, _ = split_suffix(name)
    owner = services().records.any_meta(record_id).publisher  # a delegate writes as owner
    writer = writer_for_record(services().store, writer, owner)
    status = asked_status()
    graph, repairs = _repaired_body()
    with _reporting(repairs):
        result = services().records.replace(writer, record_id, graph, status)
    return _write_body(result, 200, repairs)


@bp.delete("/datasets/<name>")
def delete(name: str):
    writer = _writer()
    record_id, _ = split_suffix(name)
    owner = services().records.any_meta(record_id).publisher  # a delegate writes as owner
    writer = writer_for_record(services().store, writer, owner)
    services().records.delete(writer, record_id)
    return Response(status=204)


@bp.get("/datasets")
def index():
    if request.args.get("status") not in (None, "", "public"):  # the token's own only
        return private_views.index(_writer())
    limit = min(max(request.args.get("limit", 100, type=int), 1), 1000)
    offset = max(request.args.get("offset", 0, type=int), 0)
    publisher = request.args.get("publisher")
    store = services().store
    items = bookkeeping.list_records(store, publisher=publisher, limit=limit, offset=offset)
    return jsonify({
        "total": bookkeeping.count_records(store, publisher), "limit": limit, "offset": offset,
        "items": [{"id": m.id, "iri": m.iri, "publisher": m.publisher, "modified": m.modified,
                   "warnings": m.warnings} for m in items],
    })


@bp.post("/validate")
def validate():
    publisher = request.args.get("publisher")
    settings = services().settings
    if not request.headers.get("Authorization"):
        services().rate_limits.check("validate", settings.validate_per_minute,
                                     settings.validate_burst, request.remote_addr)
    else:  # a token skips the anonymous limit only if it is a valid one
        _writer()
    graph, repairs = _repaired_body()
    report = services().records.check(graph, publisher)
    if repairs:
        report["repairs"] = repairs
    return jsonify(report)
