"""A child `python -m MODULE` process talking over one end of a socket pair: what the RDF parse
workers (rdf/isolate.py) and the SPARQL query workers (sparql/pool.py) have in common.

Why one class: starting the child with the right descriptor and working directory, and
killing it exactly once, are easy to get subtly wrong (a descriptor closed twice may be
another file's by then); the two pools differ only in what they send.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

# The directory holding the `service` package (a checkout or site-packages): `python -m` puts
# the working directory first on sys.path, so the worker imports this very package.
ROOT = str(Path(__file__).resolve().parents[1])


class WorkerProcess:
    """`python -m module FD *args`, FD being the child's end of the pair; `conn` is ours."""

    def __init__(self, module: str, *args: str) -> None:
        parent, child = socket.socketpair()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, str(child.fileno()), *args],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, cwd=ROOT)
        child.close()
        self.conn = Connection(os.dup(parent.fileno()))
        parent.close()
        self._killed = False
        self._kill_lock = threading.Lock()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL (the core is free at once), then reap. Idempotent: a pool's close and a
        starting thread may both kill a worker."""
        with self._kill_lock:
            if self._killed:
                return
            self._killed = True
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait()
        self.conn.close()
