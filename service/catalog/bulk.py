"""Bulk upsert: many records per store transaction, bookkeeping looked up per batch.

Why: the one-record write path (``RecordService.upsert``) costs ~15 ms per record, mostly in
rdflib graph copies, validation over rdflib and one SPARQL Update per record; an import of
10,000 datasets waited minutes. Here a batch of records is looked up in the bookkeeping with
one query per kind of key, each record prepared, hashed and validated on plain lists of triples
(``bulk_prepare``: in this process, or in worker processes with ``workers`` > 1), then checked
and written in **one** transaction, as N-Triples text (``store.base.NTriples``).

Same semantics as calling ``RecordService.upsert`` once per record, in order:

- the same outcome (created / updated / unchanged) or the same ``SocleError`` per record, with
  the same checks in the same order as ``RecordService._write``;
- every record gets its own graph, bookkeeping, validation report and observer notification;
- a batch is one transaction (``Store.apply``): after kill -9 each record is whole or absent;
- when a record's keys (IRI, local id, identifiers) meet a record written earlier in the same
  batch, or a subject it describes is such a record's IRI, the batch so far is committed and
  that record goes through ``RecordService.upsert`` itself, so lookups always see what
  sequential writes would. Two records describing the same shared node (a theme, a licence, a
  place: real exports describe them once and every record carries a copy) do not meet: that
  node is no record, and sequential writes would accept both alike.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from rdflib import Graph, URIRef
from rdflib.term import Node

from service.catalog import bookkeeping
from service.catalog.bookkeeping import RecordMeta
from service.catalog.bulk_lookups import described_by, identifier_ids, metas, stored_identifiers
from service.catalog.bulk_pool import PreparePool, record_payload
from service.catalog.bulk_prepare import Job, Prepared, prepare
from service.catalog.ownership import (
    check_foreign,
    check_record_iri,
    lookup_iris,
    under_base,
    wanted_id,
)
from service.catalog.publishers import Publisher
from service.catalog.records import BATCH_SIZE, SLUG
from service.errors import Conflict, SocleError
from service.rdf.namespaces import DCTERMS
from service.rdf.records import Extracted
from service.rdf.repair import repair_extracted
from service.store import PutGraph, Store

Triple = tuple[Node, Node, Node]


@dataclass
class _Item:
    extracted: Extracted
    idents: list[Node]  # the root's dct:identifier values
    slug: str | None  # RecordService._identifier_slug, computed once
    current: RecordMeta | None = None
    job: Job | None = None
    prepared: Prepared | None = None
    keys: set[tuple[str, str]] = field(default_factory=set)
    foreign: set[tuple[str, str]] = field(default_factory=set)  # subjects it describes
    result: Any = None  # WriteResult or SocleError once decided

    @property
    def iri(self) -> str:
        return self.prepared.iri if self.prepared else ""


def _item(base: str, extracted: Extracted) -> _Item:
    """The item with its root's identifiers and slug read once (each read is a scan)."""
    idents = list(extracted.graph.objects(extracted.root, DCTERMS.identifier))
    slug = wanted_id(base, extracted.root, idents, lambda v: bool(SLUG.match(v)))
    return _Item(extracted, idents, slug)


def upsert_many(service: Any, publisher_id: str, records: Iterable[Extracted],
                batch_size: int = BATCH_SIZE, workers: int = 1,
                repair: tuple[str | None, str | None] | None = None) -> Iterator[Any]:
    """WriteResult or SocleError per record, in input order (see the module docstring).

    ``workers`` > 1 prepares, hashes and validates records in that many worker processes
    (``bulk_pool``), pipelined: batch k+1 is looked up and sent to the workers while batch
    k's records come back, are checked and written. Batch k+1's lookups predate batch k's
    writes, so every key batch k touched counts as touched for batch k+1 (those records take
    the one-record path): same results.

    ``repair`` (document URL, catalogue language): each record goes through the repair step
    (service/rdf/repair) before it is prepared, where it is prepared (in the workers too);
    the repairs are in its report under ``repairs``.
    """
    pool = PreparePool.start(service.validator, workers) if workers > 1 else None
    try:
        if pool is None:
            for batch in _chunks(records, batch_size):
                yield from _Batch(service, publisher_id, batch, None, repair).run()
            return
        with service._lock:
            previous: _Batch | None = None
            for batch in _chunks(records, batch_size):
                current = _Batch(service, publisher_id, batch, pool, repair)
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


def _chunks(records: Iterable[Extracted], size: int) -> Iterator[list[Extracted]]:
    batch: list[Extracted] = []
    for extracted in records:
        batch.append(extracted)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Batch:
    def __init__(self, service: Any, publisher_id: str, records: list[Extracted],
                 pool: PreparePool | None = None,
                 repair: tuple[str | None, str | None] | None = None) -> None:
        self.svc = service
        self.repair = repair
        self.store: Store = service.store
        self.base = service.base_url
        self.publisher_id = publisher_id
        self.items = [_item(self.base, e) for e in records]
        self.pending: list[tuple[_Item, RecordMeta, Any]] = []
        self.touched: set[tuple[str, str]] = set()
        self.pool = pool
        self.publisher: Publisher | None = None
        self.future: Any = None
        self.described: dict[str, set[str]] = {}

    def run(self) -> list[Any]:
        with self.svc._lock:
            self.stage_a()
            return self.stage_b()

    def stage_a(self) -> None:
        """Lookups (reads only), then each record prepared: here, or sent to the pool."""
        try:
            self.publisher = self.svc._publisher(self.publisher_id)
        except SocleError:
            return  # unknown publisher: stage_b lets the one-record path say so
        self._lookups()
        self._jobs()
        todo = [i for i in self.items if i.job is not None]
        if self.pool is not None:
            jobs = []
            for item in todo:
                job = item.job
                assert job is not None
                root, payload = record_payload(job.root, item.extracted.graph)
                jobs.append((replace(job, root=root), payload))
            self.future = (todo, self.pool.submit(self.base, self.publisher, jobs))
            return
        for item in todo:
            item.prepared = prepare(self.base, self.publisher, item.job, item.extracted.graph,
                                    self.svc.validator)

    def stage_b(self) -> list[Any]:
        """Checks in input order, writes (one transaction), observers."""
        if self.publisher is None:
            for item in self.items:
                self._sequential(item)
            return [i.result for i in self.items]
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
            item.keys.add(("id", item.job.record_id))  # type: ignore[union-attr]
            item.keys.add(("iri", prepared.iri))
            iris = lookup_iris(prepared.iri, prepared.foreign)
            item.foreign = {("iri", s) for s in iris - {prepared.iri}}
            if prepared.foreign:
                looked |= iris
            elif not under_base(self.base, prepared.iri):
                looked.add(prepared.iri)
        known = set(metas(self.store, "iri", looked)) if looked else set()
        outside = {i for i in looked if not under_base(self.base, i)}
        self.described = described_by(self.store, outside) if outside else {}
        for item in self.items:
            self._decide(item, self.publisher, known)
        self._flush()
        return [i.result for i in self.items]

    # -- lookups, one query per kind of key ----------------------------------------------------
    def _lookups(self) -> None:
        root_iris, idents, slugs = set(), set(), set()
        for item in self.items:
            root = item.extracted.root
            if isinstance(root, URIRef):
                root_iris.add(str(root))
            else:
                idents.update(str(o) for o in item.idents)
            if item.slug:
                slugs.add(item.slug)
        by_ident = identifier_ids(self.store, self.publisher_id, idents)
        self.by_ident = by_ident
        minted = {f"{self.base}/datasets/{s}" for s in slugs}
        self.by_iri = metas(self.store, "iri", root_iris | minted)
        self.by_id = metas(self.store, "id", slugs | set(by_ident.values()))

    def _existing(self, item: _Item) -> RecordMeta | None:
        root = item.extracted.root
        if isinstance(root, URIRef):
            return self.by_iri.get(str(root))
        for ident in item.idents:
            found = self.by_ident.get(str(ident))
            if found:
                return self.by_id.get(found)
        return None

    # -- per record ----------------------------------------------------------------------------
    def _jobs(self) -> None:
        """What RecordService.upsert decides before preparing: the current record (owner
        checked), the record id, the identifiers it had."""
        from service.catalog.records import check_owner

        currents = []
        for item in self.items:
            root = item.extracted.root
            keys = item.keys
            if isinstance(root, URIRef):
                keys.add(("iri", str(root)))
            for ident in item.idents:
                keys.add(("ident", str(ident)))
            slug = item.slug
            if slug:
                keys.add(("id", slug))
                keys.add(("iri", f"{self.base}/datasets/{slug}"))
            try:
                item.current = self._existing(item)
                if item.current is not None:
                    check_owner(self.publisher_id, item.current.publisher)
                    currents.append(item.current.iri)
            except SocleError as err:
                item.result = err
        stored = stored_identifiers(self.store, currents)
        for item in self.items:
            if item.result is not None:
                continue
            current, root = item.current, item.extracted.root
            if current is not None:
                item.job = Job(root, current.id, current.iri, current.content_hash,
                               tuple(stored.get(current.iri, [])), self.repair)
            else:
                slug = item.slug
                record_id = (slug if slug and slug not in self.by_id
                             else uuid.uuid4().hex[:12])
                item.job = Job(root, record_id, repair=self.repair)

    def _decide(self, item: _Item, publisher: Publisher, known: set[str]) -> None:
        if item.keys & self.touched or item.foreign & self.touched:
            self._flush()
            self._sequential(item)
            return
        if item.result is None:
            try:
                item.result = self._check(item, known)
            except SocleError as err:
                item.result = err
        self._touch(item)

    def _check(self, item: _Item, known: set[str]) -> Any:
        """The rest of RecordService._write, same checks in the same order."""
        from service.catalog.records import WriteResult, invalid_record

        current, prepared = item.current, item.prepared
        assert prepared is not None and item.job is not None
        iri = prepared.iri
        if current is None and iri in self.by_iri:
            raise Conflict("Cette IRI est déjà utilisée.", "This IRI is already used.")
        check_record_iri(self.base, iri, item.job.record_id, current is None)
        check_foreign(self.base, iri, self.publisher_id, prepared.foreign, known,
                      self.described)
        dropped = tuple(d.to_dict() for d in prepared.dropped)
        if current is not None and current.content_hash == prepared.digest:
            return WriteResult("unchanged", current, current.validation, dropped)
        report_dict = prepared.report
        assert report_dict is not None
        if not report_dict["conforms"]:
            raise invalid_record(report_dict)
        stamp = bookkeeping.now()
        meta = RecordMeta(
            id=item.job.record_id, iri=iri, publisher=self.publisher_id,
            issued=current.issued if current else stamp, modified=stamp,
            content_hash=prepared.digest, validation=report_dict,
        )
        self.pending.append((item, meta, self.publisher))
        return WriteResult("updated" if current else "created", meta, report_dict, dropped)

    def _touch(self, item: _Item) -> None:
        """What later records of the batch must not look up in the (stale) preloaded maps."""
        self.touched |= item.keys

    def _sequential(self, item: _Item) -> None:
        extracted = item.extracted
        if not isinstance(extracted.graph, Graph):
            graph = Graph()
            for triple in extracted.graph:
                graph.add(triple)
            extracted = Extracted(extracted.root, graph)
        repairs: list[dict] = []
        if self.repair is not None:
            extracted, repairs = repair_extracted(extracted, *self.repair)
        try:
            item.result = self.svc.upsert(self.publisher_id, extracted)
            if repairs:
                item.result.report["repairs"] = repairs
        except SocleError as err:
            if repairs:
                err.extra.setdefault("repairs", repairs)
            item.result = err
        self._touch(item)
        if not isinstance(item.result, SocleError):
            self.touched.add(("iri", item.result.meta.iri))
            self.touched.add(("id", item.result.meta.id))

    def _flush(self) -> None:
        """Commit the pending records as one transaction, then tell the observers."""
        if not self.pending:
            return
        changes: list[Any] = []
        for item, meta, publisher in self.pending:
            changes.append(PutGraph(item.iri, item.prepared.graph))  # type: ignore[union-attr]
            changes.append(bookkeeping.bookkeeping_change(self.base, meta, publisher.iri))
        self.store.apply(changes)
        for observer in self.svc.observers:
            batch = getattr(observer, "records_written", None)
            if batch is not None:  # observers that do better per batch (quality scores)
                batch([(meta, item.prepared.graph)  # type: ignore[union-attr]
                       for item, meta, _publisher in self.pending])
                continue
            for item, meta, _publisher in self.pending:
                prepared = item.prepared
                observer.record_written(meta, prepared.themes, prepared.keywords)  # type: ignore
        self.pending = []

