"""One batch of the batch writer (``writer.py``): its lookups in the bookkeeping (one query
per kind of key), which record each write is, the records prepared (here or in the worker
pool), then the checks in input order; what passes is committed by ``commit.py``.

A record whose keys meet one written earlier in the same batch is written as a batch of its own
after the batch so far is committed (``Batch._alone``): lookups always see what one-by-one
writes would (see ``writer.py``'s docstring for what stays true whatever the batch size).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.term import Node

from service.catalog import bookkeeping, rules
from service.catalog.bookkeeping import RecordMeta
from service.catalog.commit import commit_private, commit_public
from service.catalog.lookups import described_by, identifier_ids, metas, stored_identifiers
from service.catalog.ownership import check_iri_form, lookup_iris, under_base
from service.catalog.pool import PreparePool, record_payload
from service.catalog.prepare import Extractor, Job, Prepared, prepare
from service.catalog.publishers import Publisher, get_publisher
from service.catalog.rules import Policy, Result, Write, WriteResult
from service.errors import SocleError
from service.rdf.namespaces import DCTERMS
from service.store import Store

if TYPE_CHECKING:
    from service.catalog.writer import BatchWriter


def _ignore(_n: int) -> None:
    pass


def _with_repairs(result: Result, repairs: list[dict[str, Any]]) -> Result:
    """The result with its record's intake repairs: on a WriteResult, or as a ``repairs``
    attribute of the error (not in its problem: the import report lists them beside it)."""
    if isinstance(result, WriteResult):
        return replace(result, repairs=tuple(repairs))
    result.repairs = list(repairs)  # type: ignore[attr-defined]
    return result


@dataclass
class Item:
    """One write of a batch and what the batch learns about it."""

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


class Batch:
    """Lookups, preparation and checks of one batch (``stage_a`` then ``stage_b``; the writer
    pipelines them across batches when records are prepared in worker processes)."""

    def __init__(self, writer: BatchWriter, publisher_id: str, writes: list[Write],
                 policy: Policy, pool: PreparePool | None = None,
                 on_prepared: Callable[[int], None] | None = None) -> None:
        self.writer = writer
        self.store: Store = writer.store
        self.base = writer.base_url
        self.publisher_id = publisher_id
        self.policy = policy
        self.items = [self._item(w) for w in writes]
        self.pending: list[tuple[Item, RecordMeta]] = []
        self.touched: set[tuple[str, str]] = set()
        self.pool = pool
        self.publisher: Publisher | None = None
        self.refused: SocleError | None = None  # the publisher lookup's error
        self.future: Any = None
        self.described: dict[str, set[str]] = {}
        # Other publishers describing each outside IRI, kept across the batches of one write
        # held under the writer's lock (BatchWriter.write); None: asked per batch.
        self.others: dict[str, set[str]] | None = None
        # What observers compute from each prepared record (the quality facts): with the
        # record's preparation, so in the worker processes when there are some.
        self.extractors: tuple[Extractor, ...] = tuple(
            e for o in writer.observers if (e := getattr(o, "record_extractor", None)))
        # BatchWriter.write's progress callback; a batch of one re-run (_alone) has none: its
        # record was counted in its first batch.
        self.on_prepared = on_prepared or _ignore

    def _item(self, write: Write) -> Item:
        """The item with its root's identifiers and asked id read once (each read is a
        scan)."""
        extracted = write.extracted
        idents = list(extracted.graph.objects(extracted.root, DCTERMS.identifier))
        return Item(write, idents, rules.asked_id(self.base, extracted, idents))

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
                                                  self.on_prepared, self.extractors))
            return
        for item in todo:
            assert item.job is not None
            item.prepared = prepare(self.base, publisher, item.job,
                                    item.write.extracted.graph, self.writer.validator,
                                    self.extractors)
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
        self.described = self._described(outside)
        for item in self.items:
            self._decide(item, known)
        self._flush()
        return [i.result for i in self.items]  # type: ignore[misc]

    def _described(self, outside: set[str]) -> dict[str, set[str]]:
        """``described_by`` of the outside IRIs. With ``others`` (a write held under the
        writer's lock on a store only this process writes), each IRI is asked once per write,
        not once per batch: a publisher's catalogue repeats its shared nodes in every record,
        and asking again meant reading every record already written that describes them. Only
        other publishers' records can make a write conflict, and none can be written while the
        lock is held, so what was found for them stays true; the writer's own publisher is
        left out of what is kept (``check_foreign`` ignores it)."""
        if not outside:
            return {}
        if self.others is None:
            return described_by(self.store, outside)
        missing = outside - self.others.keys()
        if missing:
            found = described_by(self.store, missing)
            for iri in missing:
                self.others[iri] = found.get(iri, set()) - {self.publisher_id}
        return {iri: self.others[iri] for iri in outside if self.others[iri]}

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

    def _decide(self, item: Item, known: set[str]) -> None:
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

    def _check(self, item: Item, known: set[str]) -> WriteResult:
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

    def _alone(self, item: Item) -> None:
        """A record whose keys meet one written earlier in this batch: a batch of its own,
        looked up after those writes."""
        [item.result] = Batch(self.writer, self.publisher_id, [item.write],
                               self.policy).run()
        self.touched |= item.keys
        if isinstance(item.result, WriteResult):
            self.touched.add(("iri", item.result.meta.iri))
            self.touched.add(("id", item.result.meta.id))

    def _flush(self) -> None:
        """Commit the pending records (one transaction), then tell the observers."""
        if not self.pending:
            return
        assert self.publisher is not None
        hidden = [(i, m) for i, m in self.pending if not m.public]
        public = [(i, m) for i, m in self.pending if m.public]
        self.pending = []
        if hidden:
            commit_private(self.writer, self.base, hidden)
        if public:
            commit_public(self.writer, self.base, self.publisher.iri, public)
