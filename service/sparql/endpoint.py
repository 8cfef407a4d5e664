"""Running one protocol request: dataset, format, limits, worker, streamed response.

Flask-free apart from the Response it builds; the view only parses the HTTP request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask import Response

from service.errors import NotAcceptable, SocleError
from service.sparql import formats
from service.sparql.errors import Busy, QuerySyntaxError, QueryTimeout, StoreRefused
from service.sparql.pool import Pool, Timeout, WorkerFailed, messages
from service.sparql.worker import Runner

log = logging.getLogger(__name__)


@dataclass
class Limits:
    timeout: float = 10.0
    max_rows: int = 10000
    max_concurrent: int = 2
    queue_wait: float = 1.0
    cache_max_age: int = 60
    nice: int = 5


@dataclass
class Executor:
    """Owns the workers of one app (started on the first query, or by `warm()`)."""

    path: str | None
    limits: Limits
    store: object = None  # the Socle store; its pyoxigraph handle serves memory stores
    prefixes: dict = field(default_factory=dict)
    _pool: Pool | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _slots: threading.Semaphore | None = None

    def pool(self) -> Pool:
        with self._lock:
            if self._pool is None:
                self._pool = Pool(self.path, self.limits.max_concurrent, nice=self.limits.nice)
            return self._pool

    def warm(self) -> None:
        """Start the workers now so that the first query does not pay for it (`socle serve`)."""
        if self.path is not None:
            self.pool()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def run(self, query: str, fmt: str, *, base_iri: str | None, union: bool,
            default_graph: list[str] | None, named_graphs: list[str] | None,
            cache: str) -> Response:
        request = {"query": query, "format": fmt, "base_iri": base_iri, "union": union,
                   "default_graph": default_graph, "named_graphs": named_graphs,
                   "max_rows": self.limits.max_rows, "prefixes": self.prefixes}
        if self.path is None:
            return self._run_in_process(request, cache)
        pool = self.pool()
        worker = pool.acquire(self.limits.queue_wait)
        if worker is None:
            raise _busy(self.limits)
        deadline = time.monotonic() + self.limits.timeout
        stream = messages(worker, request, deadline)
        try:
            first = next(stream)
        except Timeout:
            pool.discard(worker)
            raise _timeout(self.limits) from None
        except WorkerFailed:
            pool.discard(worker)
            raise
        if first[0] == "error":
            pool.release(worker)
            raise _error(first, fmt)
        body = _Body(pool, worker, stream)
        response = _response(first[1], fmt, self.limits, cache, body)
        response.call_on_close(body.close)
        return response

    def _run_in_process(self, request: dict, cache: str) -> Response:
        """Memory stores (tests, tools): same results, no kill on timeout (documented).
        External stores: the query runs on the server (sparql/remote.py), bounded the same way."""
        if self._slots is None:
            self._slots = threading.Semaphore(self.limits.max_concurrent)
        if not self._slots.acquire(timeout=self.limits.queue_wait):
            raise _busy(self.limits)
        try:
            out: list[tuple] = []
            if self.store.remote:
                from service.sparql.remote import RemoteRunner, RemoteTimeout

                try:
                    RemoteRunner(self.store, self.limits.timeout).run(request, out.append)
                except RemoteTimeout:
                    raise _timeout(self.limits) from None
            else:
                Runner(None, self.store.native).run(request, out.append)
        finally:
            self._slots.release()
        if out[0][0] == "error":
            raise _error(out[0], request["format"])
        chunks = [m[1] for m in out if m[0] == "chunk"]
        return _response(out[0][1], request["format"], self.limits, cache, chunks)


class _Body:
    """The response body: chunks from the worker until its end; the worker goes back to the pool
    only after a complete answer (killed otherwise: cut by the deadline, client gone)."""

    def __init__(self, pool: Pool, worker, stream: Iterator[tuple]) -> None:
        self.pool, self.worker, self.stream = pool, worker, stream
        self.finished = False
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        try:
            for message in self.stream:
                if message[0] == "chunk":
                    yield message[1]
                elif message[0] == "end":
                    self.finished = True
                    return
                elif message[0] == "error":
                    log.warning("SPARQL query failed while streaming: %s", message[1:])
                    return
        except Timeout:
            log.warning("SPARQL query cut at the deadline while streaming")
        except WorkerFailed:
            log.warning("SPARQL worker died while streaming")
        finally:
            self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.finished:
            self.pool.release(self.worker)
        else:
            self.pool.discard(self.worker)


def _response(head: dict, fmt: str, limits: Limits, cache: str, body) -> Response:
    response = Response(body, content_type=formats.media_type(fmt))
    response.headers["Cache-Control"] = cache
    response.headers["Vary"] = "Accept"
    if limits.max_rows:
        response.headers["Socle-Max-Rows"] = str(limits.max_rows)
    response.headers["Socle-Result-Truncated"] = "true" if head.get("truncated") else "false"
    if head.get("truncated"):
        response.headers["Link"] = ('<https://socle.opendata.fr/problems/sparql-truncated>; '
                                    'rel="describedby"')
    return response


def _busy(limits: Limits) -> SocleError:
    err = Busy(
        f"Trop de requêtes SPARQL en cours (limite : {limits.max_concurrent}). Réessayez.",
        f"Too many SPARQL queries running (limit: {limits.max_concurrent}). Retry later.",
        max_concurrent=limits.max_concurrent,
    )
    err.headers = {"Retry-After": "2"}
    return err


def _timeout(limits: Limits) -> SocleError:
    return QueryTimeout(
        f"La requête a dépassé la limite de {limits.timeout:g} s et a été arrêtée.",
        f"The query ran past the {limits.timeout:g} s limit and was stopped.",
        timeout_seconds=limits.timeout,
    )


def _error(message: tuple, fmt: str) -> SocleError:
    kind, text = message[1], message[2]
    if kind == "syntax":
        return QuerySyntaxError(f"Requête SPARQL invalide : {text}",
                                f"Invalid SPARQL query: {text}", parser_message=text)
    if kind == "refused":
        return StoreRefused(f"Le triplestore ne peut pas évaluer cette requête : {text}",
                            f"The triplestore cannot evaluate this query: {text}",
                            store_message=text)
    if kind == "format":
        return NotAcceptable(
            f"Le format {fmt} ne convient pas à cette forme de requête.",
            f"The format {fmt} does not fit this query form.")
    raise RuntimeError(f"SPARQL worker error: {text}")
