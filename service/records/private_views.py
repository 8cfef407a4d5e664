"""Non-public records over HTTP (drafts, quarantined records): ``?status=`` on the records
API, their list with the fix list, and publishing (docs/api.md, "Drafts and quarantine").

Only the owning publisher's token sees them: another token gets 404, as if they did not
exist; no public page, feed, search or SPARQL query reaches them (they are not in the store:
``service/catalog/private.py``).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from service.auth.tokens import require_publisher
from service.catalog.bookkeeping import RecordMeta
from service.catalog.private import STATUSES, fix_list
from service.catalog.rules import Status
from service.errors import SocleError
from service.rdf.negotiate import split_suffix
from service.services import services
from service.territories.delegation import writer_for_record

bp = Blueprint("private_records", __name__)
WRITE_STATUSES = ("public", "draft")


def asked_status() -> Status:
    """The status a write asks for: ``?status=draft`` keeps the record non-public."""
    value = request.args.get("status") or "public"
    if value not in WRITE_STATUSES:
        raise SocleError(
            f"Statut « {value} » inconnu pour une écriture (acceptés : public, draft).",
            f"Unknown status '{value}' for a write (accepted: public, draft).",
            parameter="status")
    return value  # type: ignore[return-value]


def mark(response: Response, meta: RecordMeta) -> None:
    """A private record read by its publisher: never cached by a shared cache."""
    response.headers["Socle-Status"] = meta.status
    response.headers["Cache-Control"] = "private, no-store"


def item(meta: RecordMeta, repairs: list[dict] | None = None) -> dict:
    """One non-public record as the API and the curator dashboard list it."""
    out = {"id": meta.id, "iri": meta.iri, "publisher": meta.publisher, "status": meta.status,
           "modified": meta.modified, "violations": int(meta.validation.get("violations", 0)),
           "warnings": meta.warnings, "fixes": fix_list(meta.validation)}
    if repairs:
        out["repairs"] = repairs
    return out


def index(writer: str) -> Response:
    """``GET /datasets?status=draft|quarantine|private``: the token's publisher's records."""
    status = request.args.get("status")
    if status not in (*STATUSES, "private"):
        raise SocleError(
            f"Statut « {status} » inconnu (acceptés : public, draft, quarantine, private).",
            f"Unknown status '{status}' (accepted: public, draft, quarantine, private).",
            parameter="status")
    limit = min(max(request.args.get("limit", 100, type=int), 1), 1000)
    offset = max(request.args.get("offset", 0, type=int), 0)
    records = services().records
    total, metas = records.list_private(writer, None if status == "private" else status,
                                        limit, offset)
    items = []
    for meta in metas:
        found = records.private.get(meta.id)
        items.append(item(meta, found.repairs if found else None))
    return jsonify({"total": total, "limit": limit, "offset": offset, "status": status,
                    "items": items})


@bp.post("/datasets/<name>/publish")
def publish(name: str):
    """Publish a draft or quarantined record as stored (strict validation: 422 with the
    report when it still violates)."""
    writer = require_publisher(services().files, request.headers.get("Authorization"))
    record_id, _ = split_suffix(name)
    records = services().records
    owner = records.any_meta(record_id).publisher
    writer = writer_for_record(services().store, writer, owner)
    result = records.publish(writer, record_id)
    meta = result.meta
    return jsonify({"id": meta.id, "iri": meta.iri, "outcome": result.outcome,
                    "status": meta.status,
                    "url": f"{services().settings.base_url}/datasets/{meta.id}",
                    "publisher": meta.publisher, "modified": meta.modified,
                    "validation": result.report})
