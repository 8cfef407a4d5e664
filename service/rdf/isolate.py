"""Parsing of untrusted bodies in worker processes: one request cannot hold more than a set
memory (the worker's RLIMIT_AS) and time (the worker is killed at the deadline), and what a
big document took is given back (a worker that grew past `recycle_bytes` is replaced).

The depth and triple budgets of limits.py already make hostile documents cheap to refuse;
this is the backstop for what those checks do not foresee. The same pattern as the SPARQL
endpoint's query workers (service/sparql/pool.py), kept separate: those open the store, these
never touch it. With `workers=0` (tests of other areas, tiny deployments) parsing happens in
the request's thread, with the same limits.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
from dataclasses import astuple, dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from service.errors import SocleError, StoreBusy
from service.rdf.formats import RdfSyntax
from service.rdf.limits import ParseLimits, TooLarge
from service.rdf.parse import parse_quads, to_rdflib
from service.workers import WorkerProcess

if TYPE_CHECKING:
    from service.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Isolation:
    workers: int = 2
    memory_bytes: int = 1024 * 1024 * 1024
    seconds: float = 10.0
    queue_wait: float = 10.0  # wait for a free worker before answering 503
    recycle_bytes: int = 200 * 1024 * 1024
    nice: int = 5


class _Worker(WorkerProcess):
    def __init__(self, iso: Isolation) -> None:
        super().__init__("service.rdf.parse_worker", str(iso.memory_bytes), str(iso.nice))
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        try:
            if self.conn.poll(timeout) and self.conn.recv()[0] == "ready":
                self.ready = True
        except (EOFError, OSError):
            pass
        return self.ready


class ParsePool:
    def __init__(self, iso: Isolation) -> None:
        self.iso = iso
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        self.kills = 0  # workers ended at a deadline, by the memory cap or recycled
        for _ in range(iso.workers):
            self._spawn()

    def _spawn(self) -> None:
        def start() -> None:
            worker = _Worker(self.iso)
            if self.closed or not worker.wait_ready(60.0):
                worker.kill()
                if not self.closed:
                    log.error("RDF parse worker failed to start")
                return
            self.idle.put(worker)

        threading.Thread(target=start, daemon=True, name="parse-worker-start").start()

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.kills += 1
        if not self.closed:
            self._spawn()

    def parse(self, data: bytes, syntax: RdfSyntax, base_iri: str | None,
              limits: ParseLimits) -> list[ox.Quad]:
        try:
            worker = self.idle.get(timeout=self.iso.queue_wait)
        except queue.Empty:
            err = StoreBusy("Trop de documents en cours de lecture : réessayez dans un instant.",
                            "Too many documents being read: retry in a moment.")
            err.headers = {"Retry-After": "5"}
            raise err from None
        try:
            worker.conn.send((data, syntax.name, base_iri, astuple(limits)))
            if not worker.conn.poll(self.iso.seconds):
                self._replace(worker)
                raise _over_time(self.iso.seconds)
            kind, payload, rss = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)  # died: most likely the memory cap
            raise _over_memory(self.iso.memory_bytes) from None
        if rss > self.iso.recycle_bytes:
            self._replace(worker)
        else:
            self.idle.put(worker)
        if kind == "error":
            raise payload
        return list(ox.parse(payload, format=ox.RdfFormat.N_QUADS))

    def close(self) -> None:
        self.closed = True
        while True:
            try:
                self.idle.get_nowait().kill()
            except queue.Empty:
                return


def _over_time(seconds: float) -> SocleError:
    return TooLarge(f"Document trop coûteux à lire : plus de {seconds:g} s.",
                    f"Document too costly to read: more than {seconds:g} s.",
                    limit_seconds=seconds)


def _over_memory(limit: int) -> SocleError:
    return TooLarge(
        f"Document trop coûteux à lire : il dépasse la mémoire permise à une requête "
        f"({limit // 2**20} Mo).",
        f"Document too costly to read: it exceeds the memory allowed to one request "
        f"({limit // 2**20} MB).", limit_bytes=limit)


_pools: dict[Isolation, ParsePool] = {}
_pools_lock = threading.Lock()


def pool_for(iso: Isolation) -> ParsePool:
    """One pool per process and configuration, started at first use."""
    with _pools_lock:
        found = _pools.get(iso)
        if found is None:
            found = _pools[iso] = ParsePool(iso)
        return found


@atexit.register
def _close_all() -> None:
    for pool in list(_pools.values()):
        pool.close()


def parse_untrusted_quads(data: bytes, syntax: RdfSyntax, base_iri: str | None,
                          limits: ParseLimits, iso: Isolation) -> list[ox.Quad]:
    if iso.workers <= 0:
        return parse_quads(data, syntax, base_iri, limits)
    return pool_for(iso).parse(data, syntax, base_iri, limits)


def parse_untrusted(data: bytes, syntax: RdfSyntax, base_iri: str | None,
                    limits: ParseLimits, iso: Isolation) -> Graph:
    return to_rdflib(parse_untrusted_quads(data, syntax, base_iri, limits, iso))


def isolation_of(settings: Settings) -> Isolation:
    return Isolation(workers=settings.parse_workers,
                     memory_bytes=settings.parse_memory_mb * 2**20,
                     seconds=settings.parse_seconds)
