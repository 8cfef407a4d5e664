"""Harvest runs started from a request, run in a background thread: the request answers at
once with the runs' ids (a slow source must not hold a server thread for as long as it likes).

The sources' run locks are taken before answering, so a source already running is reported to
the caller (409 for one source; a failed run among several) rather than discovered later.
"""

from __future__ import annotations

import threading

from service.catalog.bookkeeping import now
from service.errors import Conflict, SocleError
from service.ingest.harvest import report as reports
from service.ingest.harvest.report import RunReport
from service.ingest.harvest.runner import Harvester
from service.ingest.harvest.sources import Source


def start(engine: Harvester, targets: list[Source]) -> list[RunReport]:
    """Claim each source and start the runs; their reports as saved now (running, or failed
    for a busy source among several). Conflict when the only source is busy."""
    started, busy = [], []
    for src in targets:
        try:
            started.append((src, engine.claim(src)))
        except Conflict as err:
            if len(targets) == 1:
                raise
            busy.append(_busy(src, err))
    pending = [RunReport(s.id, s.url, s.publisher) for s, _ in started]
    for report in pending + busy:
        reports.save(engine.store, report)
    threading.Thread(target=_run_all, args=(engine, started, pending), name="harvest",
                     daemon=True).start()
    return pending + busy


def _busy(src: Source, err: SocleError) -> RunReport:
    report = RunReport(src.id, src.url, src.publisher, status="failed", ended=now())
    report.errors.append({"detail_fr": err.detail_fr, "detail_en": err.detail_en})
    return report


def _run_all(engine: Harvester, started: list[tuple[Source, str]],
             pending: list[RunReport]) -> None:
    for (src, owner), report in zip(started, pending, strict=True):
        try:
            engine.run(src, report=report, owner=owner)
        except Exception as err:  # noqa: BLE001 - a thread's error would be lost otherwise
            report.status = "failed"
            report.errors.append({"detail_fr": f"Erreur interne : {err}",
                                  "detail_en": f"Internal error: {err}"})
            reports.save(engine.store, report)
