"""Real `socle` processes for the operations tests: the CLI, and `socle serve` on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.cli.conftest import CLI, env
from tests.conftest import REPO
from tests.serving import wait_until_serving


def socle(*args: str, data: Path | None = None, check: bool = False,
          timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real `socle` command in a child process (the operations tests need a process of
    its own: the running server holds the store, the command must reach it over its socket)."""
    argv = [*CLI, *args, *(["--data", str(data)] if data is not None else [])]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, env=env(),
                          timeout=timeout, stdin=subprocess.DEVNULL)
    if check:
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`socle serve ARGS` on a free port of 127.0.0.1; a context manager that always stops it
    (SIGTERM, then SIGKILL) and keeps its output in `log`."""

    def __init__(self, data: Path, *args: str, port: int | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data.parent / f"serve-{self.port}.log"
        self.argv = [sys.executable, "-m", "service.cli", "serve", "--data", str(data),
                     "--host", "127.0.0.1", "--port", str(self.port), *args]
        self.env = {**env(), **(extra_env or {})}
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(self.argv, cwd=REPO, stdout=out,
                                         stderr=subprocess.STDOUT, env=self.env)
        try:
            wait_until_serving(self.url, self.proc, self.log, seconds=90)
        except BaseException:  # pytest.fail's outcome too: never leave the server running
            self.stop()
            raise
        return self

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def __exit__(self, *exc: object) -> None:
        self.stop()


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


__all__ = ["Server", "free_port", "get", "os", "signal", "socle"]
