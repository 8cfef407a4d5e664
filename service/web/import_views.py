"""Curator import page: upload a catalogue (SCDL CSV or RDF), harvest sources, run reports.

Everything goes through the same modules as the CLI and the API (the SCDL importer, the RDF
import, the harvester), so a page import reports per item exactly as `socle import` does and a
harvest run is kept with the others (`GET /publishers/{id}/harvest/runs`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from service.catalog.publishers import get_publisher
from service.errors import NotFound, SocleError
from service.ingest.harvest import background
from service.ingest.harvest import report as reports
from service.ingest.harvest import sources as harvest_sources
from service.ingest.harvest.setup import harvester
from service.rdf.formats import syntax_for_filename
from service.rdf.isolate import isolation_of, parse_untrusted
from service.rdf.limits import DOCUMENT
from service.services import services
from service.web.errors import html_errors
from service.web.i18n import t
from service.web.session import current_curator, login_required

bp = Blueprint("curator_import", __name__, url_prefix="/curator/import")
html_errors(bp)


def _page(status: int = 200, **extra: Any):
    svc = services()
    publisher_id = current_curator().publisher
    found = []
    for src in harvest_sources.list_sources(svc.store, publisher_id):
        last = reports.runs(svc.store, source=src.id, limit=1)
        found.append((src, last[0] if last else None))
    return render_template(
        "curator/import.html", sources=found,
        publisher=get_publisher(svc.store, svc.settings.base_url, publisher_id),
        runs=reports.runs(svc.store, publisher=publisher_id, limit=10), **extra), status


@bp.get("/")
@login_required
def import_page():
    return _page()


def import_upload(publisher_id: str, filename: str, data: bytes) -> dict[str, Any]:
    """The per-item report of one uploaded file: SCDL CSV by its suffix, else RDF by its
    suffix. Raises SocleError for a file that cannot be read at all."""
    svc = services()
    if filename.lower().endswith(".csv"):
        from service.ingest.scdl import import_csv  # the SCDL importer (docs/scdl.md)

        return import_csv(svc.records, publisher_id, data)
    syntax = syntax_for_filename(filename)
    if syntax is None:
        raise SocleError(
            f"Fichier « {filename} » : format inconnu (attendu .csv SCDL, .ttl, .rdf, .jsonld, "
            ".nt).",
            f"File '{filename}': unknown format (expected an SCDL .csv, .ttl, .rdf, .jsonld, "
            ".nt).")
    from service.ingest.rdf_import import import_graph

    return import_graph(svc.records, publisher_id,
                        parse_untrusted(data, syntax, svc.settings.base_url, DOCUMENT,
                                        isolation_of(svc.settings))).to_dict()


@bp.post("/upload")
@login_required
def upload():
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _page(400, upload_error=t("Choisissez un fichier à importer.",
                                         "Choose a file to import."))
    try:
        result = import_upload(current_curator().publisher, sent.filename, sent.read())
    except SocleError as err:
        return _page(422, upload_error=t(err.detail_fr, err.detail_en))
    return _page(200, upload_report=result, upload_name=sent.filename)


@bp.post("/sources")
@login_required
def add_source():
    url = request.form.get("url", "").strip()
    try:
        harvest_sources.add_source(services().store, url, current_curator().publisher,
                                   name=request.form.get("name", "").strip() or None)
    except SocleError as err:
        return _page(422, source_error=t(err.detail_fr, err.detail_en), typed_url=url)
    return redirect(url_for("curator_import.import_page"))


@bp.post("/sources/<source_id>/harvest")
@login_required
def harvest_now(source_id: str):
    svc = services()
    src = harvest_sources.get_source(svc.store, source_id)
    if src.publisher != current_curator().publisher:
        raise NotFound(f"Aucune source « {source_id} » pour votre éditeur.",
                       f"No source '{source_id}' for your publisher.")
    try:  # in the background: the run page shows it running, then its report
        run = background.start(harvester(svc), [src])[0]
    except SocleError as err:
        return _page(422, source_error=t(err.detail_fr, err.detail_en))
    return redirect(url_for("curator_import.run_page", run=run.run))


@bp.get("/runs/<run>")
@login_required
def run_page(run: str):
    found = reports.runs(services().store, publisher=current_curator().publisher, run=run,
                         limit=1)
    if not found:
        raise NotFound(f"Aucune moisson « {run} ».", f"No harvest run '{run}'.")
    return render_template("curator/run.html", run=found[0])
