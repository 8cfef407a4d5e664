"""Real servers on 127.0.0.1 for the fault tests: an Oxigraph server (the `oxigraph` CLI from
the PyPI package of that name) that a test can stop and start again on the same port and
directory, and helpers to find a free port and wait for a URL."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from service.store.sparql import Remote, SparqlStore


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The CLI next to this interpreter (the venv), else on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


def wait_for(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class OxigraphServer:
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT --union-default-graph`."""

    def __init__(self, location: Path, port: int | None = None) -> None:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph CLI is missing: pip install oxigraph")
        self.binary = binary
        self.location = location
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log = location.parent / f"oxigraph-{self.port}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def remote(self, **kw) -> Remote:
        return Remote(f"{self.base}/query", update_url=f"{self.base}/update",
                      gsp_url=f"{self.base}/store", **kw)

    def store(self, **kw) -> SparqlStore:
        """A store straight on the server (no proxy): what is really stored."""
        return SparqlStore(self.remote(**kw))

    def start(self) -> OxigraphServer:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [self.binary, "serve", "--location", str(self.location), "--bind",
                 f"127.0.0.1:{self.port}", "--union-default-graph"],
                stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(f"{self.base}/query?query=ASK%7B%7D")
        except OSError:
            self.stop()
            raise RuntimeError(f"oxigraph did not start: {self.log.read_text()[-2000:]}") from None
        return self

    def stop(self) -> None:
        """SIGTERM, then wait: the directory's lock is free when this returns."""
        terminate(self.process)
        self.process = None


def terminate(process: subprocess.Popen | None) -> None:
    """SIGTERM, then SIGKILL after 10 s; returns once the process is gone."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess of the service (no inherited SOCLE_* settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCLE_")}
    env.update(extra)
    return env


class SocleServe:
    """`socle serve` in a subprocess over a remote store: the real server a user runs."""

    def __init__(self, data: Path, store: OxigraphServer, *, port: int | None = None,
                 **env: str) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = data.parent / f"socle-{self.port}.log"
        self.env = run_env(
            SOCLE_DATA=str(data), SOCLE_PORT=str(self.port), SOCLE_BASE_URL=self.base,
            SOCLE_STORE=f"{store.base}/query", SOCLE_STORE_UPDATE=f"{store.base}/update",
            SOCLE_STORE_GSP=f"{store.base}/store", **env)
        self.process: subprocess.Popen | None = None

    def start(self) -> SocleServe:
        with open(self.log, "ab") as log:  # the real command, whatever installed it
            self.process = subprocess.Popen([sys.executable, "-m", "service.cli", "serve"],
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            cwd=Path(__file__).resolve().parents[2])
        try:
            wait_for(f"{self.base}/health", seconds=60)
        except OSError:
            self.stop()
            raise RuntimeError(f"socle did not start: {self.log.read_text()[-2000:]}") from None
        return self

    def stop(self) -> None:
        terminate(self.process)
        self.process = None
