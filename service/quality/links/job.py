"""The server's periodic link check: a daemon thread started by `socle serve` (never by
create_app, so tests and commands never check links behind anyone's back). The first run
waits one interval after start; a run that fails is logged and the next one comes anyway."""

from __future__ import annotations

import logging
import threading
from typing import Any

from service.quality.links.run import run, settings_from

log = logging.getLogger(__name__)


def start(svc: Any) -> threading.Thread | None:
    """Start the job for the app's services; None when SOCLE_LINKCHECK_INTERVAL_HOURS is 0."""
    hours = float(svc.settings.linkcheck_interval_hours)
    if hours <= 0:
        return None
    stop = threading.Event()

    def loop() -> None:
        from service.ingest.harvest.setup import policy_from_settings

        while not stop.wait(hours * 3600):
            try:
                result = run(svc.store, policy_from_settings(svc.settings),
                             settings_from(svc.settings))
                log.info("link check: %s", result.summary())
            except Exception:
                log.exception("link check failed")

    thread = threading.Thread(target=loop, name="link-check", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
