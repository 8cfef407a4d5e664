"""`POST /publishers/{id}/import` and `GET /publishers/{id}/catalogue.csv` (docs/api.md,
docs/scdl.md).

The import takes an SCDL catalogue CSV (`text/csv`, or `multipart/form-data` with a `file`
field) or any RDF syntax (delegated to the RDF import); the answer is the per-item report,
200 when every item went in, 207 when some failed (the others are kept), 422 (problem+json
with the same report) when every item failed. Unreadable input is a
problem+json 400/415/422 saying what and where, and writes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from service.errors import SocleError, UnsupportedMediaType
from service.ingest.rdf_import import import_graph
from service.ingest.scdl import import_csv
from service.ingest.scdl.export import export_csv
from service.rdf.formats import SYNTAXES, syntax_for_filename, syntax_for_media_type
from service.rdf.isolate import isolation_of, parse_untrusted
from service.rdf.limits import DOCUMENT
from service.services import services
from service.territories.delegation import require_writer

bp = Blueprint("publisher_import", __name__)
CSV_TYPES = ("text/csv", "application/csv", "application/vnd.ms-excel")


def _media(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _unsupported(what: str) -> UnsupportedMediaType:
    accepted = ", ".join(["text/csv", "multipart/form-data",
                          *(s.media_type for s in SYNTAXES)])
    return UnsupportedMediaType(
        f"Type de contenu « {what or 'absent'} » non pris en charge ; acceptés : {accepted}.",
        f"Content-Type '{what or 'missing'}' not supported; accepted: {accepted}.",
        accepted=accepted.split(", "))


def _body() -> tuple[str, bytes, Any]:
    """("csv" | "rdf", bytes, RDF syntax or None) from the request, whatever its form."""
    media = _media(request.content_type)
    if media == "multipart/form-data":
        sent = request.files.get("file")
        if sent is None:
            raise SocleError("Champ « file » manquant dans le formulaire multipart.",
                             "Field 'file' missing from the multipart form.", field="file")
        name, part = sent.filename or "", _media(sent.content_type)
        data = sent.read()
        if part in CSV_TYPES or name.lower().endswith(".csv"):
            return "csv", data, None
        syntax = syntax_for_filename(name) or syntax_for_media_type(part)
        if syntax is None:
            raise _unsupported(f"{part or '?'} ({name or 'file'})")
        return "rdf", data, syntax
    data = request.get_data(cache=False)
    if media in CSV_TYPES:
        return "csv", data, None
    syntax = syntax_for_media_type(media)
    if syntax is None:
        raise _unsupported(media)
    return "rdf", data, syntax


@bp.post("/publishers/<publisher_id>/import")
def import_catalogue(publisher_id: str) -> Response:
    """Import a catalogue for the token's publisher; each dataset reported."""
    svc = services()
    # The publisher's token, or a delegate's (an EPCI for a member commune).
    require_writer(svc.store, svc.files, svc.settings.base_url,
                   request.headers.get("Authorization"), publisher_id)
    kind, data, syntax = _body()
    if not data.strip():
        raise SocleError("Corps de requête vide.", "Empty request body.")
    if kind == "csv":
        report = import_csv(svc.records, publisher_id, data)
    else:
        graph = parse_untrusted(data, syntax, f"{svc.settings.base_url}/datasets/", DOCUMENT,
                                isolation_of(svc.settings))
        report = import_graph(svc.records, publisher_id, graph).to_dict()
    summary = report["summary"]
    if summary["failed"] and not any(summary[k] for k in ("created", "updated", "unchanged")):
        # Nothing went in: a client error, as a problem carrying the whole report.
        problem = {"type": "https://socle.opendata.fr/problems/nothing-imported",
                   "title": "Nothing imported", "status": 422,
                   "detail_fr": f"Aucun élément importé : les {summary['failed']} ont échoué.",
                   "detail_en": f"Nothing imported: all {summary['failed']} items failed."}
        problem["detail"] = f"{problem['detail_fr']} — {problem['detail_en']}"
        response = jsonify({**problem, **report})
        response.status_code = 422
        response.mimetype = "application/problem+json"
        return response
    response = jsonify(report)
    response.status_code = 207 if summary["failed"] else 200
    return response


@bp.get("/publishers/<publisher_id>/catalogue.csv")
def catalogue_csv(publisher_id: str) -> Response:
    """The publisher's records as an SCDL catalogue 0.1.3 CSV (public, like the feed);
    `?excel=1`: with a byte order mark and `;` separators, for French Excel."""
    excel = request.args.get("excel", "") in ("1", "true", "yes")
    body = export_csv(services().records, publisher_id, excel=excel)
    name = f"{publisher_id}-catalogue{'-excel' if excel else ''}.csv"
    return Response(body, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})
