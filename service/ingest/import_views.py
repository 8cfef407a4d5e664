"""HTTP import and export of a publisher's catalogue (docs/api.md, docs/scdl.md).

`POST /publishers/{id}/import` takes an SCDL catalogue CSV (text/csv, or a multipart `file`)
or an RDF catalogue (any RDF media type) and answers with the per-item report;
`GET /publishers/{id}/catalogue.csv` gives the publisher's records back as SCDL.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from service.app import services
from service.auth.tokens import require_publisher
from service.catalog.publishers import get_publisher
from service.errors import SocleError, UnsupportedMediaType
from service.rdf.formats import syntax_for_filename, syntax_for_media_type
from service.rdf.parse import parse_rdf
from service.territories.delegation import acting_publisher

bp = Blueprint("catalogue_import", __name__)
CSV_TYPES = ("text/csv", "application/csv", "text/plain")


def _upload() -> tuple[Any, bytes]:
    """(kind, bytes): kind is "csv" or the RDF syntax of the body."""
    mimetype = request.mimetype or ""
    if mimetype == "multipart/form-data":
        sent = request.files.get("file")
        if sent is None or not sent.filename:
            raise SocleError("Formulaire sans fichier : envoyez-le dans le champ « file ».",
                             "Form without a file: send it in the 'file' field.")
        name = sent.filename.lower()
        if name.endswith(".csv"):
            return "csv", sent.read()
        syntax = syntax_for_filename(name)
        if syntax is None:
            raise UnsupportedMediaType(
                f"Fichier « {sent.filename} » : format inconnu (attendu .csv SCDL, .ttl, .rdf, "
                ".jsonld, .nt).", f"File '{sent.filename}': unknown format (expected an SCDL "
                ".csv, .ttl, .rdf, .jsonld, .nt).")
        return syntax, sent.read()
    if mimetype in CSV_TYPES:
        return "csv", request.get_data(cache=False)
    syntax = syntax_for_media_type(request.content_type)
    if syntax is None:
        raise UnsupportedMediaType(
            f"Type de contenu « {request.content_type or 'absent'} » non pris en charge : "
            "text/csv (catalogue SCDL), multipart/form-data (champ « file ») ou un type RDF.",
            f"Content-Type '{request.content_type or 'missing'}' not supported: text/csv (SCDL "
            "catalogue), multipart/form-data ('file' field) or an RDF media type.")
    return syntax, request.get_data(cache=False)


@bp.post("/publishers/<publisher_id>/import")
def import_catalogue(publisher_id: str):
    """Import for the publisher (its own token, or a delegate's). The body is the report:
    200 when every item was taken, 207 when some were and some failed, 422 when none was."""
    svc = services()
    writer = require_publisher(svc.store, request.headers.get("Authorization"))
    get_publisher(svc.store, svc.settings.base_url, publisher_id)
    target = acting_publisher(svc.store, writer, publisher_id)
    kind, data = _upload()
    if not data.strip():
        raise SocleError("Corps de requête vide.", "Empty request body.")
    if kind == "csv":
        from service.ingest.scdl import import_csv

        report = import_csv(svc.records, target, data)
    else:
        from service.ingest.rdf_import import import_graph

        graph = parse_rdf(data, kind, base_iri=f"{svc.settings.base_url}/datasets/")
        report = import_graph(svc.records, target, graph).to_dict()
    response = jsonify(report)
    failed = report["summary"]["failed"]
    response.status_code = 200 if not failed else 422 if failed == len(report["items"]) else 207
    return response


@bp.get("/publishers/<publisher_id>/catalogue.csv")
def export_catalogue(publisher_id: str):
    """The publisher's catalogue in the SCDL schema (public, like the feed)."""
    from service.ingest.scdl import catalogue_csv

    svc = services()
    text = catalogue_csv(svc.records, publisher_id)
    return Response(text.encode("utf-8"), content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{publisher_id}-catalogue.csv"',
        "Cache-Control": "no-cache"})
