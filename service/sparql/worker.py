"""A query worker: a separate process that opens the store read-only and runs one query at a time.

pyoxigraph cannot cancel a running query (ORDER BY, GROUP BY and aggregates are computed inside
Rust before the first row comes out), so a query that must be stoppable runs here: the endpoint
kills the process at the deadline, which frees the core at once, and starts a fresh one.

Messages (multiprocessing Connection over a socket pair):
  in:  {"query", "base_iri", "union", "default_graph", "named_graphs", "format", "max_rows",
        "prefixes"}
  out: ("ready", pid) once; per request ("error", kind, message) or ("head", info),
       ("chunk", bytes)…, ("end", info).

The read-only view is a snapshot taken when the store is opened: it is reopened when the writer's
files changed (checked before each query, and every second while idle), and once more when a read
fails with RocksDB's "Corruption"/missing-file error, which can happen when the writer compacts.
"""

from __future__ import annotations

import contextlib
import os
import sys
from itertools import islice
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from service.retry import retry
from service.sparql import sandbox, serialize

CHUNK = 64 * 1024


def _signature(path: str) -> tuple:
    """Changes whenever the writer appends to its log or rewrites its manifest."""
    sig = []
    with os.scandir(path) as entries:
        for entry in entries:
            name = entry.name
            if name.endswith(".log") or name.startswith(("MANIFEST", "CURRENT")):
                st = entry.stat()
                sig.append((name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(sig))


class _Sender:
    """A binary file-like object that sends what is written in chunks of CHUNK bytes."""

    def __init__(self, send) -> None:
        self.send = send
        self.buffer = bytearray()

    def write(self, data) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self.send(("chunk", bytes(self.buffer)))
            self.buffer.clear()


class Runner:
    """Opens (and reopens) the store; runs requests. Also used in-process for memory stores."""

    def __init__(self, path: str | None, store: ox.Store | None = None) -> None:
        self.path = path
        self.store = store
        self.sig: tuple | None = None
        if store is None:
            self.reopen()

    def reopen(self) -> None:
        self.store = None

        path = self.path
        assert path is not None, "a runner without a path is given its store"

        def open_once(_attempt: int) -> None:
            sig = _signature(path)
            self.store = ox.Store.read_only(path)
            self.sig = sig

        # RocksDB says "Corruption" for a moment while the writer compacts: a short retry.
        retry(open_once, [0.05, 0.10, 0.15, 0.20],
              retryable=lambda exc: isinstance(exc, (OSError, RuntimeError)))

    def refresh(self) -> None:
        if self.path is not None and _signature(self.path) != self.sig:
            self.reopen()

    def run(self, req: dict, send) -> None:
        self.refresh()
        sent = []

        def counted(message) -> None:
            sent.append(message[0])
            send(message)

        try:
            self._run(req, counted)
        except (OSError, RuntimeError) as err:
            if self.path is None or not _retryable(err) or sent:
                raise
            self.reopen()
            self._run(req, send)

    def _execute(self, req: dict):
        assert self.store is not None  # opened by __init__ (reopen raises when it cannot)
        kwargs: dict[str, Any] = {"base_iri": req.get("base_iri")}
        if req.get("default_graph") is not None or req.get("named_graphs") is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in req.get("default_graph") or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.get("named_graphs") or []]
        else:
            kwargs["use_default_graph_as_union"] = bool(req.get("union", True))
        return self.store.query(req["query"], **kwargs)

    def _run(self, req: dict, send) -> None:
        """Evaluation errors (RuntimeError, a non-store OSError) are the query's: reported as
        ("error", "evaluation"); a serialiser's refusal as ("error", "format"); a socket the
        sandbox refused (SERVICE) as ("error", "network")."""
        phase = "evaluation"
        try:
            result = self._execute(req)
            fmt, max_rows = req["format"], req.get("max_rows") or 0
            if isinstance(result, ox.QueryBoolean):
                send(("head", {"kind": "ASK", "truncated": False, "rows": 1}))
                send(("chunk", serialize.ask(fmt, bool(result)).encode()))
                send(("end", {"rows": 1}))
                return
            rows = list(islice(result, max_rows + 1)) if max_rows else result
            truncated = bool(max_rows) and len(rows) > max_rows
            if truncated:
                rows = rows[:max_rows]
            out = _Sender(send)
            if isinstance(result, ox.QuerySolutions):
                if fmt not in serialize.RESULTS_KEYS:
                    send(("error", "format", fmt))
                    return
                variables = [v.value for v in result.variables]
                send(("head", {"kind": "SELECT", "truncated": truncated,
                               "rows": len(rows) if max_rows else None}))
                phase = "serialize"
                for piece in serialize.select(fmt, variables, rows, truncated):
                    out.write(piece.encode("utf-8"))
            else:
                if fmt not in serialize.RDF_FORMATS:
                    send(("error", "format", fmt))
                    return
                send(("head", {"kind": "CONSTRUCT", "truncated": truncated,
                               "rows": len(rows) if max_rows else None}))
                phase = "serialize-rdf"
                serialize.write_rdf(rows, out, fmt, req.get("prefixes"))
            out.flush()
            send(("end", {"truncated": truncated}))
        except SyntaxError as err:
            send(("error", "syntax", str(err)))
        except serialize.Unwritable as err:
            send(("error", "unwritable", str(err)))
        except PermissionError as err:
            if self.path is not None and _retryable(err):
                raise
            send(("error", "network", str(err)))
        except (RuntimeError, ValueError, TypeError, OSError) as err:
            if self.path is not None and _retryable(err):
                raise
            kind = "format" if phase == "serialize-rdf" else "evaluation"
            send(("error", kind, str(err)))


def _retryable(err: Exception) -> bool:
    text = str(err)
    return "Corruption" in text or "No such file" in text or "IO error" in text


def main(fd: int, path: str, nice: int, allow_service: bool = False) -> None:
    if nice:
        os.nice(nice)
    if not allow_service:
        try:
            installed = sandbox.deny_network()
        except OSError as err:  # a kernel without seccomp: the query check still refuses
            installed = False
            print(f"socle sparql worker: seccomp filter refused ({err})", file=sys.stderr)
        if not installed:
            print("socle sparql worker: running without the network filter; SERVICE is only "
                  "refused by the query check", file=sys.stderr)
    conn = Connection(fd)
    try:
        runner = Runner(path)
    except (OSError, RuntimeError) as err:  # RocksDB corruption while the writer compacts
        conn.send(("failed", f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        if not conn.poll(1.0):
            with contextlib.suppress(OSError, RuntimeError):
                runner.refresh()
            continue
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        try:
            runner.run(req, conn.send)
        except (BrokenPipeError, EOFError):
            return
        except Exception as err:  # noqa: BLE001 - reported; the pool replaces this worker
            with contextlib.suppress(OSError):
                conn.send(("error", "internal", f"{type(err).__name__}: {err}"))
            return


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]),
         len(sys.argv) > 4 and sys.argv[4] == "1")
