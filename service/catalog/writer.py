"""The one batch writer: every record write goes through here (a single write is a batch of
one), decided by ``rules``, prepared by ``prepare``, checked, written, told to observers.

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
  A record moving between the two is written to its new place first, then removed from the
  old (a crash in between leaves both, and lookups prefer the public copy);
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
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.term import Node

from service.catalog import bookkeeping, rules
from service.catalog.bookkeeping import RecordMeta
from service.catalog.lookups import described_by, identifier_ids, metas, stored_identifiers
from service.catalog.ownership import check_iri_form, lookup_iris, under_base
from service.catalog.pool import PreparePool, record_payload
from service.catalog.prepare import Job, Prepared, prepare
from service.catalog.private import area_of
from service.catalog.publishers import Publisher, get_publisher
from service.catalog.rules import BATCH_SIZE, Policy, Result, Write, WriteResult
from service.errors import SocleError
from service.rdf.namespaces import DCTERMS
from service.store import DropGraph, PutGraph, Store

# Below this many records a flush hands the store parsed triples, not N-Triples text: the
# embedded store bulk-loads text, whose new SST files cost a lone API write several times the
# CPU of a plain transaction.
BULK_LOAD_MIN = 16


class RecordObserver(Protocol):
    def record_written(self, meta: RecordMeta, themes: Iterable[str],
                       keywords: Iterable[str]) -> None: ...

    def record_deleted(self, record_id: str) -> None: ...


class BatchWriter:
    """Writes records for one store; ``lock`` keeps check-then-write sections (id allocation,
    ownership) from interleaving, for every writer of that store."""

    def __init__(self, store: Store, validator: Any, base_url: str,
                 observers: list[RecordObserver]) -> None:
        self.store = store
        self.validator = validator
        self.base_url = base_url.rstrip("/")
        self.observers = observers
        self.lock = threading.RLock()
        self.private = area_of(store)  # drafts and quarantined records (private.py)

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
        pool = PreparePool.start(self.validator, workers) if workers > 1 else None
        try:
            if pool is None:
                for chunk in _chunks(writes, batch_size):
                    yield from _Batch(self, publisher_id, chunk, policy,
                                      on_prepared=on_prepared).run()
                return
            with self.lock:
                previous: _Batch | None = None
                for chunk in _chunks(writes, batch_size):
                    current = _Batch(self, publisher_id, chunk, policy, pool, on_prepared)
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
        [result] = _Batch(self, publisher_id, [write], policy).run()
        if isinstance(result, SocleError):
            raise result
        return result


def _ignore(_n: int) -> None:
    pass


def _with_repairs(result: Result, repairs: list[dict[str, Any]]) -> Result:
    """The result with its record's intake repairs: on a WriteResult, or as a ``repairs``
    attribute of the error (not in its problem: the import report lists them beside it)."""
    if isinstance(result, WriteResult):
        return replace(result, repairs=tuple(repairs))
    result.repairs = list(repairs)  # type: ignore[attr-defined]
    return result


@contextmanager
def announced(observers: Iterable[Any], record_ids: list[str]) -> Iterator[None]:
    """Tell the observers that keep a write-ahead log (the derived store, service/derived)
    which records a store transaction is about to change, and when it failed."""
    for observer in observers:
        pending = getattr(observer, "records_pending", None)
        if pending is not None:
            pending(record_ids)
    try:
        yield
    except BaseException:
        for observer in observers:
            failed = getattr(observer, "records_failed", None)
            if failed is not None:
                failed(record_ids)
        raise


def _chunks(writes: Iterable[Write], size: int) -> Iterator[list[Write]]:
    batch: list[Write] = []
    for write in writes:
        batch.append(write)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _Item:
    write: Write
    idents: list[Node]  # the root's dct:identifier values
    slug: str | None  # the local id it asks for (rules.asked_id), computed once
    current: RecordMeta | None = None
    job: Job | None = None
    prepared: Prepared | None = None
    keys: set[tuple[str, str]] = field(default_factory=set)
    foreign: set[tuple[str, str]] = field(default_factory=set)  # subjects it describes
    result: Result | None = None

    @property
    def iri(self) -> str:
        return self.prepared.iri if self.prepared else ""


class _Batch:
    def __init__(self, writer: BatchWriter, publisher_id: str, writes: list[Write],
                 policy: Policy, pool: PreparePool | None = None,
                 on_prepared: Callable[[int], None] | None = None) -> None:
        self.writer = writer
        self.store: Store = writer.store
        self.base = writer.base_url
        self.publisher_id = publisher_id
        self.policy = policy
        self.items = [self._item(w) for w in writes]
        self.pending: list[tuple[_Item, RecordMeta]] = []
        self.touched: set[tuple[str, str]] = set()
        self.pool = pool
        self.publisher: Publisher | None = None
        self.refused: SocleError | None = None  # the publisher lookup's error
        self.future: Any = None
        self.described: dict[str, set[str]] = {}
        # BatchWriter.write's progress callback; a batch of one re-run (_alone) has none: its
        # record was counted in its first batch.
        self.on_prepared = on_prepared or _ignore

    def _item(self, write: Write) -> _Item:
        """The item with its root's identifiers and asked id read once (each read is a
        scan)."""
        extracted = write.extracted
        idents = list(extracted.graph.objects(extracted.root, DCTERMS.identifier))
        return _Item(write, idents, rules.asked_id(self.base, extracted, idents))

    def run(self) -> list[Result]:
        with self.writer.lock:
            self.stage_a()
            return self.stage_b()

    def stage_a(self) -> None:
        """Lookups (reads only), then each record prepared: here, or sent to the pool."""
        try:
            publisher = get_publisher(self.store, self.base, self.publisher_id)
        except SocleError as err:
            self.refused = err
            self.on_prepared(len(self.items))
            return
        assert publisher is not None  # get_publisher raises NotFound (required)
        self.publisher = publisher
        self._lookups()
        self._jobs()
        todo = [i for i in self.items if i.job is not None]
        if len(todo) < len(self.items):  # refused before preparing: done already
            self.on_prepared(len(self.items) - len(todo))
        if self.pool is not None:
            jobs = []
            for item in todo:
                job = item.job
                assert job is not None
                root, payload = record_payload(job.root, item.write.extracted.graph)
                jobs.append((replace(job, root=root), payload))
            self.future = (todo, self.pool.submit(self.base, publisher, jobs,
                                                  self.on_prepared))
            return
        for item in todo:
            assert item.job is not None
            item.prepared = prepare(self.base, publisher, item.job,
                                    item.write.extracted.graph, self.writer.validator)
            self.on_prepared(1)

    def stage_b(self) -> list[Result]:
        """Checks in input order, writes (one transaction), observers."""
        if self.refused is not None:
            return [self.refused for _ in self.items]
        if self.future is not None:
            todo, future = self.future
            for item, prepared in zip(todo, future.get(), strict=True):
                item.prepared = prepared
        looked: set[str] = set()
        for item in self.items:
            prepared = item.prepared
            if prepared is None:
                continue
            if prepared.error is not None:
                item.result = prepared.error
                continue
            item.keys.add(("iri", prepared.iri))
            item.keys.add(("id", item.job.record_id))  # type: ignore[union-attr]
            iris = lookup_iris(prepared.iri, prepared.foreign)
            item.foreign = {("iri", s) for s in iris - {prepared.iri}}
            if prepared.foreign:
                looked |= iris
            elif not under_base(self.base, prepared.iri):
                looked.add(prepared.iri)
        # Records' dataset IRIs among them: drafts' and quarantined records' too (reserved).
        known = (set(metas(self.store, "iri", looked)) | set(self.writer.private.metas(
            "iri", looked))) if looked else set()
        outside = {i for i in looked if not under_base(self.base, i)}
        self.described = described_by(self.store, outside) if outside else {}
        for item in self.items:
            self._decide(item, known)
        self._flush()
        return [i.result for i in self.items]  # type: ignore[misc]

    # -- lookups, one query per kind of key ----------------------------------------------------
    def _lookups(self) -> None:
        root_iris: set[str] = set()
        idents: set[str] = set()
        ids: set[str] = set()
        for item in self.items:
            write, root = item.write, item.write.extracted.root
            if write.mode == "replace" and write.record_id:
                ids.add(write.record_id)
            if isinstance(root, URIRef):
                root_iris.add(str(root))
            idents.update(str(o) for o in item.idents)  # rules.existing, check_identifiers
            if item.slug:
                ids.add(item.slug)
        # The private area's records too (drafts, quarantine): their keys are taken; the
        # store's copy wins if a record is in both (see the module docstring).
        private = self.writer.private
        self.by_ident = identifier_ids(self.store, self.publisher_id, idents)
        for ident, rid in private.identifier_ids(self.publisher_id, idents).items():
            holders = self.by_ident.setdefault(ident, [])
            if rid not in holders:
                holders.append(rid)
        minted = {f"{self.base}/datasets/{s}" for s in ids}
        iris = root_iris | minted
        self.by_iri = {**private.metas("iri", iris), **metas(self.store, "iri", iris)}
        held = {i for holders in self.by_ident.values() for i in holders}
        self.by_id = {**private.metas("id", ids | held), **metas(self.store, "id", ids | held)}
        self.holders = {ident: [self.by_id[h] for h in holders if h in self.by_id]
                        for ident, holders in self.by_ident.items()}

    # -- per record ----------------------------------------------------------------------------
    def _jobs(self) -> None:
        """Which record each write is (owner checked), its local id, the identifiers it had."""
        currents = []
        for item in self.items:
            write, root, keys = item.write, item.write.extracted.root, item.keys
            if isinstance(root, URIRef):
                keys.add(("iri", str(root)))
            for ident in item.idents:
                keys.add(("ident", str(ident)))
            if item.slug:
                keys.add(("id", item.slug))
                keys.add(("iri", f"{self.base}/datasets/{item.slug}"))
            addressed = None
            if write.mode == "replace":
                keys.add(("id", write.record_id or ""))
                addressed = self.by_id.get(write.record_id or "")
            try:
                if isinstance(root, URIRef):  # a malformed IRI is a 400 before any conflict
                    check_iri_form(str(root))
                found = None if write.mode == "replace" else rules.existing(
                    write.extracted, item.idents, self.by_iri.get,
                    lambda i: self.by_id.get(self.by_ident.get(i, [""])[0]))
                item.current = rules.target(write, self.publisher_id, found, addressed)
                rules.check_identifiers((str(i) for i in item.idents), self.holders,
                                        item.current)
                if item.current is not None:
                    keys.add(("iri", item.current.iri))
                    currents.append(item.current.iri)
            except SocleError as err:
                item.result = err
        stored = stored_identifiers(self.store, currents)
        private_ids = [i.current.id for i in self.items
                       if i.current is not None and not i.current.public]
        hidden = self.writer.private.identifiers(private_ids) if private_ids else {}
        for item in self.items:
            if item.result is not None:
                continue
            current, root = item.current, item.write.extracted.root
            if current is not None:
                had = hidden.get(current.id, []) if not current.public else \
                    stored.get(current.iri, [])
                # Unchanged content skips validation only when the record stays where it
                # is; a draft published or a quarantined record re-harvested is re-checked.
                same_place = current.public == (item.write.status == "public") and \
                    current.status != "quarantine"
                item.job = Job(root, current.id, current.iri,
                               current.content_hash if same_place else None, tuple(had),
                               item.write.intake)
            else:
                item.job = Job(root, rules.new_id(item.slug, self.by_id),
                               intake=item.write.intake)

    def _decide(self, item: _Item, known: set[str]) -> None:
        if item.keys & self.touched or item.foreign & self.touched:
            self._flush()
            self._alone(item)  # prepared (and repaired) again: its own result and repairs
            return
        if item.result is None:
            try:
                item.result = self._check(item, known)
            except SocleError as err:
                item.result = err
        if item.prepared is not None and item.prepared.repairs:
            item.result = _with_repairs(item.result, item.prepared.repairs)
        self.touched |= item.keys

    def _check(self, item: _Item, known: set[str]) -> WriteResult:
        current, prepared, job = item.current, item.prepared, item.job
        assert prepared is not None and job is not None
        rules.admit(self.base, self.publisher_id, job.record_id, prepared.iri, current,
                    prepared.iri in self.by_iri, prepared.foreign, known, self.described)
        dropped = tuple(d.to_dict() for d in prepared.dropped)
        if current is not None and prepared.report is None:  # same hash, same place
            return WriteResult("unchanged", current, current.validation, dropped)
        assert prepared.report is not None
        report, status = rules.judged(prepared.report, self.policy, item.write.status,
                                      item.write.extracted)
        if (current is not None and current.status == status
                and current.content_hash == prepared.digest):  # re-checked, still there
            return WriteResult("unchanged", current, current.validation, dropped)
        stamp = bookkeeping.now()
        # Publication starts the record's life in the feed: a published draft is "issued" then.
        kept = current is not None and current.public == (status == "public")
        meta = RecordMeta(
            id=job.record_id, iri=prepared.iri, publisher=self.publisher_id,
            issued=current.issued if kept else stamp,  # type: ignore[union-attr]
            modified=stamp, content_hash=prepared.digest, validation=report, status=status,
        )
        self.pending.append((item, meta))
        return WriteResult("updated" if current else "created", meta, report, dropped)

    def _alone(self, item: _Item) -> None:
        """A record whose keys meet one written earlier in this batch: a batch of its own,
        looked up after those writes."""
        [item.result] = _Batch(self.writer, self.publisher_id, [item.write],
                               self.policy).run()
        self.touched |= item.keys
        if isinstance(item.result, WriteResult):
            self.touched.add(("iri", item.result.meta.iri))
            self.touched.add(("id", item.result.meta.id))

    def _flush(self) -> None:
        """Commit the pending records as one transaction, then tell the observers."""
        if not self.pending:
            return
        assert self.publisher is not None
        hidden = [(i, m) for i, m in self.pending if not m.public]
        self.pending = [(i, m) for i, m in self.pending if m.public]
        if hidden:
            self._flush_private(hidden)
        if not self.pending:
            return
        changes: list[Any] = []
        few = len(self.pending) < BULK_LOAD_MIN
        for item, meta in self.pending:
            assert item.prepared is not None
            graph: Any = item.prepared.graph  # N-Triples text: stores load it as it is
            if few:  # parsed: the embedded store bulk-loads text (new SST files each time)
                graph = [(t.subject, t.predicate, t.object) for t in ox.parse(
                    graph.text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]
            changes.append(PutGraph(item.iri, graph))
            changes.append(bookkeeping.bookkeeping_change(self.base, meta, self.publisher.iri))
        metas = [meta for _, meta in self.pending]
        with announced(self.writer.observers, [m.id for m in metas]):
            self.store.apply(changes)
        self.writer.private.remove(m.id for i, m in self.pending
                                   if i.current is not None and not i.current.public)
        for observer in self.writer.observers:
            stored = getattr(observer, "records_stored", None)
            if stored is not None:  # the derived store: reads back what the store kept
                stored(metas)
                continue
            batch = getattr(observer, "records_written", None)
            if batch is not None:  # observers that do better per batch (quality scores)
                batch([(meta, item.prepared.graph)  # type: ignore[union-attr]
                       for item, meta in self.pending])
                continue
            for item, meta in self.pending:
                prepared = item.prepared
                assert prepared is not None
                observer.record_written(meta, prepared.themes, prepared.keywords)
        self.pending = []

    def _flush_private(self, hidden: list[tuple[_Item, RecordMeta]]) -> None:
        """Drafts and quarantined records to the private area; a public record that became
        one leaves the store (observers hear it deleted: it left the feed)."""
        # Its fix list: the caller's repairs, or the intake's (prepare.repaired).
        self.writer.private.put(
            (m, i.prepared.graph.text,  # type: ignore[union-attr]
             list(i.write.repairs) + list(i.prepared.repairs))  # type: ignore[union-attr]
            for i, m in hidden)
        left = [m for i, m in hidden if i.current is not None and i.current.public]
        if not left:
            return
        changes: list[Any] = []
        for meta in left:
            changes += [DropGraph(meta.iri), bookkeeping.delete_change(self.base, meta.id)]
        with announced(self.writer.observers, [m.id for m in left]):
            self.store.apply(changes)
        for meta in left:
            for observer in self.writer.observers:
                observer.record_deleted(meta.id)
