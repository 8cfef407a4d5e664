"""Who wants to hear about imports and harvests (the metrics, service/ops/metrics.py).

Plain lists of callbacks, filled by whoever listens (at app start) and called by the import
and harvest code at the points below; a failing listener never fails an import or a harvest.
This module imports nothing of the callers, so the ingest code depends on no listener.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("socle.ingest")

# (channel "rdf" | "csv", publisher id, ImportReport) once an import has written its batches.
IMPORTED: list[Callable[[str, str, Any], None]] = []
# (source id, harvest Item) for each dataset a harvest run reports, as it reports it.
HARVEST_ITEM: list[Callable[[str, Any], None]] = []
# (harvest RunReport) once a run has ended (done, partial or failed) and its lock is free.
HARVEST_RUN: list[Callable[[Any], None]] = []


def _call(listeners: list[Callable[..., None]], *args: Any) -> None:
    for listener in list(listeners):
        try:
            listener(*args)
        except Exception:  # noqa: BLE001 - metrics must never fail a write
            log.exception("ingest listener failed")


def imported(channel: str, publisher_id: str, report: Any) -> None:
    _call(IMPORTED, channel, publisher_id, report)


def harvest_item(source_id: str, item: Any) -> None:
    _call(HARVEST_ITEM, source_id, item)


def harvest_run(report: Any) -> None:
    _call(HARVEST_RUN, report)
