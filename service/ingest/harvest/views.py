"""The harvest over HTTP: a publisher's token triggers its sources' harvest; reports are read
publicly (like records). With an embedded store the CLI cannot open the store while
`socle serve` runs, so this trigger is also what cron calls then (docs/harvest.md)."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request, url_for

from service.catalog.publishers import get_publisher
from service.errors import NotFound
from service.ingest.harvest import background
from service.ingest.harvest import report as reports
from service.ingest.harvest import sources as store_sources
from service.ingest.harvest.credentials import scrub
from service.ingest.harvest.setup import harvester
from service.services import services, services_of
from service.territories.delegation import require_writer

bp = Blueprint("harvest", __name__)
log = logging.getLogger(__name__)


@bp.record_once
def _scrub_credentials(state) -> None:  # noqa: ANN001
    """Sources stored with credentials before they were refused lose them at start."""
    try:
        scrub(services_of(state.app).store)
    except Exception:  # noqa: BLE001 - a store not reachable yet must not stop the app
        log.exception("could not check harvest sources for credentials")


def _sources_of(publisher_id: str, source_id: str | None) -> list[store_sources.Source]:
    store = services().store
    if source_id:
        src = store_sources.get_source(store, source_id)
        if src.publisher != publisher_id:
            raise NotFound(f"Aucune source « {source_id} » pour l'éditeur « {publisher_id} ».",
                           f"No source '{source_id}' for publisher '{publisher_id}'.")
        return [src]
    found = store_sources.list_sources(store, publisher_id)
    if not found:
        raise NotFound(f"L'éditeur « {publisher_id} » n'a aucune source de moissonnage "
                       "(socle source add).",
                       f"Publisher '{publisher_id}' has no harvest source (socle source add).")
    return found


def _run_url(publisher_id: str, run: str) -> str:
    return url_for("harvest.run_report", publisher_id=publisher_id, run=run, _external=True)


@bp.post("/publishers/<publisher_id>/harvest")
def trigger(publisher_id: str):
    """Harvest the publisher's sources (all, or ?source=ID) in the background: answers 202 at
    once with each run's id and where its report will be. A request never waits for a
    source (a slow one would hold a server thread for as long as it likes)."""
    svc = services()
    # The publisher's token, or a delegate's (an EPCI for a member commune).
    require_writer(svc.store, svc.files, svc.settings.base_url,
                   request.headers.get("Authorization"), publisher_id)
    body = request.get_json(silent=True) or {}
    targets = _sources_of(publisher_id, request.args.get("source") or body.get("source"))
    runs = background.start(harvester(svc), targets)
    response = jsonify({"runs": [{"run": r.run, "source": r.source, "status": r.status,
                                  "url": _run_url(publisher_id, r.run)} for r in runs]})
    response.status_code = 202
    response.headers["Location"] = _run_url(publisher_id, runs[0].run)
    return response


@bp.get("/publishers/<publisher_id>/harvest")
def overview(publisher_id: str):
    """The publisher's sources, each with its last run's status and counts."""
    store = services().store
    get_publisher(store, services().settings.base_url, publisher_id)
    out = []
    for src in store_sources.list_sources(store, publisher_id):
        last = reports.runs(store, source=src.id, limit=1)
        out.append({"id": src.id, "url": src.url, "name": src.name, "created": src.created,
                    "policy": src.policy, "accept_invalid": src.accept_invalid,
                    "grace_days": src.grace_days,
                    "last_run": ({"run": last[0].run, "status": last[0].status,
                                  "started": last[0].started, "ended": last[0].ended,
                                  "counts": last[0].counts,
                                  "url": _run_url(publisher_id, last[0].run)}
                                 if last else None)})
    return jsonify({"publisher": publisher_id, "sources": out})


@bp.get("/publishers/<publisher_id>/harvest/runs")
def run_list(publisher_id: str):
    limit = min(max(request.args.get("limit", 20, type=int), 1), 100)
    runs = reports.runs(services().store, publisher=publisher_id,
                        source=request.args.get("source"), limit=limit)
    return jsonify({"runs": [r.to_dict() for r in runs]})


@bp.get("/publishers/<publisher_id>/harvest/runs/<run>")
def run_report(publisher_id: str, run: str):
    found = reports.runs(services().store, publisher=publisher_id, run=run, limit=1)
    if not found:
        raise NotFound(f"Aucune moisson « {run} ».", f"No harvest run '{run}'.")
    return jsonify(found[0].to_dict())
