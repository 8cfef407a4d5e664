"""Waiting for a `socle serve` child process that tests start themselves."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path

import pytest


def wait_until_serving(base: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Return once `base`/health answers; fail the test with the server's log if the process
    ends or `seconds` pass first (a slow start under load is not a failure before then)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/health", timeout=2)
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"socle serve did not start: {log.read_text()}")
            time.sleep(0.3)
