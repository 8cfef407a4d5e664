"""Waiting for a `socle serve` child process that tests start themselves."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest


def wait_until_serving(base: str, proc: subprocess.Popen, log: Path, seconds: float = 60,
                       ready: Callable[[bytes], bool] | None = None) -> None:
    """Return once `base`/health answers (and `ready(body)` holds, when given: e.g. every
    record loaded); fail the test with the server's log if the process ends or `seconds` pass
    first (a slow start under load is not a failure before then)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as answer:
                if ready is None or ready(answer.read()):
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            shown = log.read_text(errors="replace")[-4000:] if log.exists() else ""
            pytest.fail(f"socle serve did not start (exit {proc.poll()}): {shown}",
                        pytrace=False)
        time.sleep(0.3)
