"""The one batch writer: every record write goes through here (a single write is a batch of
one), decided by ``rules``, prepared by ``prepare``, checked (``batch``), written and told to
observers (``commit``).

Why batches: the one-record path used to cost ~15 ms per record (rdflib graph copies,
validation over rdflib, one SPARQL Update each); an import of 10,000 datasets waited minutes.
Here a batch is looked up in the bookkeeping with one query per kind of key, each record
prepared, hashed and validated on plain lists of triples (in this process, or in worker
processes with ``workers`` > 1, ``pool``), then checked and written in **one** transaction, as
N-Triples text (``store.base.NTriples``).

What stays true whatever the batch size (``tests/records/test_bulk.py`` proves batches of N
give what batches of one give):

- the same outcome (created / updated / unchanged) or the same ``SocleError`` per record, from
  the same rules in the same order (``rules``);
- every record gets its own graph, bookkeeping, validation report and observer notification;
- a batch is one transaction (``Store.apply``): after kill -9 each record is whole or absent;
- a record the write keeps non-public (a draft, or a quarantined record: ``rules.judged``) goes
  to the private area beside the store (``private.py``), not to the store, and no observer
  hears of it; its keys are looked up there too, so they stay reserved to its publisher.
  A record moving between the two is moved by the protocol of ``moves.py``: logged in the
  private area, written to its new place, removed from the old; a process killed in between
  leaves a log row that the next writer resolves from the store, so the record ends in
  exactly one place (meanwhile lookups prefer the public copy, the right one at every step);
- when a record's keys (IRI, local id, identifiers) meet a record written earlier in the same
  batch, or a subject it describes is such a record's IRI, the batch so far is committed and
  that record is written as a batch of its own, so lookups always see what one-by-one writes
  would. Two records describing the same shared node (a contact point every record of an
  export carries) do not meet: that node is no record, a batch is one publisher's, and
  one-by-one writes would accept both alike.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from service.catalog import rules
from service.catalog.batch import Batch
from service.catalog.bookkeeping import RecordMeta
from service.catalog.moves import recover
from service.catalog.pool import PreparePool
from service.catalog.private import PrivateArea
from service.catalog.rules import BATCH_SIZE, Policy, Result, Write, WriteResult
from service.errors import SocleError
from service.store import Store

__all__ = ["BatchWriter", "RecordObserver"]


class RecordObserver(Protocol):
    def record_written(self, meta: RecordMeta, themes: Iterable[str],
                       keywords: Iterable[str]) -> None: ...

    def record_deleted(self, record_id: str) -> None: ...


class BatchWriter:
    """Writes records for one store; ``lock`` keeps check-then-write sections (id allocation,
    ownership) from interleaving, for every writer of that store."""

    def __init__(self, store: Store, validator: Any, base_url: str,
                 observers: list[RecordObserver], private: PrivateArea) -> None:
        self.store = store
        self.validator = validator
        self.base_url = base_url.rstrip("/")
        self.observers = observers
        self.lock = threading.RLock()
        self.private = private  # drafts and quarantined records (private.py)
        self.recover_moves()

    def recover_moves(self) -> None:
        """Resolve the moves a dead process left half done (``moves.py``); a read of an
        empty table when there are none."""
        with self.lock:
            recover(self.store, self.private)

    def write(self, publisher_id: str, writes: Iterable[Write], policy: Policy = "strict",
              batch_size: int = BATCH_SIZE, workers: int = 1,
              on_prepared: Callable[[int], None] | None = None) -> Iterator[Result]:
        """A WriteResult or the SocleError of each write, in input order.

        ``on_prepared(n)`` is told as records are prepared and validated (most of a record's
        cost), each write once, so a progress bar moves per record rather than per written
        batch; with workers it is called from the pool's result thread, per task of
        ``pool.CHUNK`` records.

        ``workers`` > 1 prepares, hashes and validates records in that many worker processes
        (``pool``), pipelined: batch k+1 is looked up and sent to the workers while batch k's
        records come back, are checked and written. Batch k+1's lookups predate batch k's
        writes, so every key batch k touched counts as touched for batch k+1 (those records
        are written as batches of one): same results.
        """
        rules.check_policy(policy)
        self.recover_moves()  # another process's, killed mid-move (moves.py)
        pool = PreparePool.start(self.validator, workers) if workers > 1 else None
        try:
            if pool is None:
                for chunk in _chunks(writes, batch_size):
                    yield from Batch(self, publisher_id, chunk, policy,
                                      on_prepared=on_prepared).run()
                return
            with self.lock:
                previous: Batch | None = None
                # another process may write to an external store: ask it per batch then
                others: dict[str, set[str]] | None = None if self.store.remote else {}
                for chunk in _chunks(writes, batch_size):
                    current = Batch(self, publisher_id, chunk, policy, pool, on_prepared)
                    current.others = others
                    current.stage_a()
                    if previous is not None:
                        yield from previous.stage_b()
                        current.touched |= previous.touched
                    previous = current
                if previous is not None:
                    yield from previous.stage_b()
        finally:
            if pool is not None:
                pool.close()

    def one(self, publisher_id: str, write: Write, policy: Policy = "strict") -> WriteResult:
        """One write (a batch of one); raises its SocleError."""
        self.recover_moves()
        [result] = Batch(self, publisher_id, [write], policy).run()
        if isinstance(result, SocleError):
            raise result
        return result


def _chunks(writes: Iterable[Write], size: int) -> Iterator[list[Write]]:
    batch: list[Write] = []
    for write in writes:
        batch.append(write)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
