"""A real `socle serve` in a child process on 127.0.0.1, shared by the HTTP benchmarks.

The benchmarks measure the service as a harvester sees it (waitress, keep-alive sessions), so
each one starts the real command rather than a test client; this module is the one place
that knows how to start it, wait until it answers and always stop it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SocleServer:
    """`socle serve --data DATA` on a free port; use as a context manager (always stopped)."""

    def __init__(self, data: Path | str, log_path: Path | str, *, base_url: str | None = None,
                 env: dict[str, str] | None = None, ready_path: str = "/health",
                 startup_timeout: float = 180.0, repo: Path | None = None) -> None:
        self.repo = repo or REPO  # another checkout serves its own code (bench/feed_ab.py)
        self.data = str(data)
        self.log_path = Path(log_path)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The IRIs the server mints; the client maps them to `url` when they differ.
        self.base_url = base_url or self.url
        self.env = env or {}
        self.ready_path = ready_path
        self.startup_timeout = startup_timeout
        self.startup_s = 0.0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> SocleServer:
        import requests

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--data", self.data,
             "--port", str(self.port), "--host", "127.0.0.1", "--base-url", self.base_url],
            cwd=self.repo, stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, **self.env})
        deadline = time.monotonic() + self.startup_timeout
        t0 = time.perf_counter()
        try:
            while True:
                if self.proc.poll() is not None:
                    raise SystemExit(f"bench: socle serve exited ({self.proc.returncode}); "
                                     f"see {self.log_path}")
                try:
                    requests.get(self.url + self.ready_path, timeout=5)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline:
                        raise SystemExit("bench: socle serve did not start in time") from None
                    time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        self.startup_s = round(time.perf_counter() - t0, 2)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)
        self.proc = None
        self.log.close()

    def __enter__(self) -> SocleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
