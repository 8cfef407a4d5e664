"""Running one protocol request: dataset, format, limits, worker, streamed response.

Flask-free apart from the Response it builds; the view only parses the HTTP request.
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, cast

from flask import Response

from service.errors import NotAcceptable, SocleError
from service.sparql import formats
from service.sparql.errors import (
    Busy,
    QueryEvaluationError,
    QuerySyntaxError,
    QueryTimeout,
    ServiceRefused,
    StoreRefused,
    Throttled,
    WorkerFailure,
)
from service.sparql.pool import Pool, Timeout, WorkerFailed, messages
from service.sparql.worker import Runner

if TYPE_CHECKING:
    from service.store import Store
    from service.store.oxigraph import OxigraphStore
    from service.store.sparql import SparqlStore

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
    store: Store | None = None  # the Socle store; its pyoxigraph handle serves memory stores
    prefixes: dict = field(default_factory=dict)
    _pool: Pool | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    allow_service: bool = False
    crashes: CrashLedger = field(default_factory=lambda: CrashLedger())
    # the bound on in-process queries (memory and external stores); made here, not on first
    # use, so two first queries cannot each make their own
    slots: threading.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.slots = threading.Semaphore(self.limits.max_concurrent)

    def pool(self) -> Pool:
        assert self.path is not None, "only stores on disk have query workers"
        with self._lock:
            if self._pool is None:
                self._pool = Pool(self.path, self.limits.max_concurrent, nice=self.limits.nice,
                                  allow_service=self.allow_service)
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
            cache: str, client: str = "") -> Response:
        """The complete answer, or a problem: the result is written into a spool within the
        deadline and sent only once complete, so a slow reader never cuts it short (the
        deadline bounds the query, not the transfer) and an error is never a 200."""
        request = {"query": query, "format": fmt, "base_iri": base_iri, "union": union,
                   "default_graph": default_graph, "named_graphs": named_graphs,
                   "max_rows": self.limits.max_rows, "prefixes": self.prefixes}
        if self.path is None:
            return self._run_in_process(request, cache)
        wait = self.crashes.blocked(client)
        if wait:
            raise _throttled(wait)
        pool = self.pool()
        worker = pool.acquire(self.limits.queue_wait)
        if worker is None:
            raise _busy(self.limits)
        deadline = time.monotonic() + self.limits.timeout
        try:
            head, spool = _collect(messages(worker, request, deadline))
        except Timeout:
            pool.discard(worker)
            raise _timeout(self.limits) from None
        except WorkerFailed as err:
            pool.discard(worker)
            self.crashes.failed(client)
            log.warning("SPARQL worker failed: %s", err)
            raise _failed() from None
        except _Refused as refused:
            if refused.message[1] == "internal":
                pool.discard(worker)
                self.crashes.failed(client)
                log.warning("SPARQL worker error: %s", refused.message[2])
                raise _failed() from None
            pool.release(worker)
            raise _error(refused.message, fmt) from None
        pool.release(worker)
        response = _response(head, fmt, self.limits, cache, _chunks(spool))
        response.call_on_close(spool.close)
        return response

    def _run_in_process(self, request: dict, cache: str) -> Response:
        """Memory stores (tests, tools): same results, no kill on timeout (documented).
        External stores: the query runs on the server (sparql/remote.py), bounded the same way."""
        if not self.slots.acquire(timeout=self.limits.queue_wait):
            raise _busy(self.limits)
        try:
            out: list[tuple] = []
            store = self.store
            assert store is not None, "init_app gives the executor its store"
            if store.remote:
                from service.sparql.remote import RemoteRunner, RemoteTimeout

                try:
                    RemoteRunner(cast("SparqlStore", store), self.limits.timeout).run(
                        request, out.append)
                except RemoteTimeout:
                    raise _timeout(self.limits) from None
            else:
                Runner(None, cast("OxigraphStore", store).native).run(request, out.append)
        finally:
            self.slots.release()
        errors = [m for m in out if m[0] == "error"]
        if errors:
            raise _error(errors[0], request["format"])
        chunks = [m[1] for m in out if m[0] == "chunk"]
        return _response(out[0][1], request["format"], self.limits, cache, chunks)


SPOOL_MEMORY = 8 * 1024 * 1024  # past this, the answer being collected goes to a temporary file


class _Refused(Exception):
    def __init__(self, message: tuple) -> None:
        super().__init__(message)
        self.message = message


def _collect(stream: Iterator[tuple]) -> tuple[dict, IO[bytes]]:
    """(head, spool holding the whole body) or _Refused with the worker's error message."""
    head: dict | None = None
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115 - returned
    try:
        for message in stream:
            if message[0] == "error":
                raise _Refused(message)
            if message[0] == "head":
                head = message[1]
            elif message[0] == "chunk":
                spool.write(message[1])
            elif message[0] == "end":
                break
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return head or {}, spool


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while block := spool.read(64 * 1024):
            yield block
    finally:
        spool.close()


class CrashLedger:
    """Worker crashes per client over the last `window` seconds: a client whose queries killed
    `limit` workers waits `pause` seconds (429), so that a crash loop cannot keep every worker
    restarting while other clients' simple queries wait."""

    def __init__(self, limit: int = 2, window: float = 60.0, pause: float = 30.0) -> None:
        self.limit, self.window, self.pause = limit, window, pause
        self.lock = threading.Lock()
        self.crashes: dict[str, list[float]] = {}

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self.lock:
            recent = [t for t in self.crashes.get(client, []) if now - t < self.window]
            recent.append(now)
            self.crashes[client] = recent
            if len(self.crashes) > 10_000:  # forget the oldest clients
                for key in list(self.crashes)[:5_000]:
                    del self.crashes[key]

    def blocked(self, client: str) -> float:
        """Seconds this client still waits (0: not blocked)."""
        now = time.monotonic()
        with self.lock:
            recent = [t for t in self.crashes.get(client, []) if now - t < self.window]
            if len(recent) < self.limit:
                return 0.0
            return max(0.0, recent[-1] + self.pause - now)


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
    if kind == "evaluation":
        return QueryEvaluationError(f"L'évaluation de la requête a échoué : {text}",
                                    f"The query could not be evaluated: {text}",
                                    engine_message=text)
    if kind == "format":
        if text == fmt:
            return NotAcceptable(
                f"Le format {fmt} ne convient pas à cette forme de requête.",
                f"The format {fmt} does not fit this query form.")
        return NotAcceptable(
            f"Le format {fmt} ne peut pas porter ce résultat : {text}. Choisissez un autre "
            "format.", f"The format {fmt} cannot carry this result: {text}. Choose another "
            "format.", engine_message=text)
    if kind == "unwritable":
        return NotAcceptable(
            f"Le format {fmt} ne peut pas porter ce résultat : {text}. Le format JSON "
            "(application/sparql-results+json) le peut.",
            f"The format {fmt} cannot carry this result: {text}. JSON "
            "(application/sparql-results+json) can.", engine_message=text)
    if kind == "network":
        return ServiceRefused(
            "La requête a tenté une connexion sortante (SERVICE), refusée par le bac à sable "
            "des processus de requête.",
            "The query tried an outgoing connection (SERVICE), refused by the query workers' "
            "sandbox.", engine_message=text)
    return WorkerFailure(f"Erreur interne du processus de requête : {text}",
                         f"Internal error of the query worker: {text}")


def _failed() -> SocleError:
    err = WorkerFailure(
        "Le processus qui évaluait la requête s'est arrêté ; il a été remplacé. Réessayez, ou "
        "simplifiez la requête.",
        "The process evaluating the query stopped; it has been replaced. Retry, or simplify "
        "the query.")
    err.headers = {"Retry-After": "2"}
    return err


def _throttled(wait: float) -> SocleError:
    seconds = max(1, int(wait + 0.999))
    err = Throttled(
        f"Vos dernières requêtes ont arrêté des processus de requête ; attendez {seconds} s.",
        f"Your recent queries stopped query workers; wait {seconds} s.",
        retry_after=seconds)
    err.headers = {"Retry-After": str(seconds)}
    return err
