"""Bulk upsert: many records per store transaction, bookkeeping looked up per batch.

Why: the one-record write path (``RecordService.upsert``) costs ~15 ms per record, mostly in
rdflib graph copies, validation over rdflib and one SPARQL Update per record; an import of
10,000 datasets waited minutes. Here a batch of records is prepared on plain sets of rdflib-term
triples, validated on a dict index (``validation.index.TripleIndex``), looked up in the
bookkeeping with one query per kind of key, and written in **one** transaction.

Same semantics as calling ``RecordService.upsert`` once per record, in order:

- the same outcome (created / updated / unchanged) or the same ``SocleError`` per record, with
  the same checks in the same order as ``RecordService._write``;
- every record gets its own graph, bookkeeping, validation report and observer notification;
- a batch is one transaction (``Store.apply``): after kill -9 each record is whole or absent;
- when a record's keys (IRI, local id, identifiers, described subjects) meet a record written
  earlier in the same batch, the batch so far is committed and that record goes through
  ``RecordService.upsert`` itself, so lookups always see what sequential writes would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from service.catalog import bookkeeping
from service.catalog.bookkeeping import RecordMeta
from service.catalog.bulk_lookups import identifier_ids, metas, stored_identifiers
from service.catalog.bulk_pool import ValidationPool, validate_triples
from service.catalog.publishers import Publisher, publisher_triples
from service.catalog.records import SLUG
from service.errors import Conflict, RecordShapeError, SocleError
from service.rdf.namespaces import DCAT, DCTERMS
from service.rdf.parse import TermCache, term_to_oxigraph
from service.rdf.records import Extracted, closure_triples, content_hash, skolemise_triples
from service.store import PutGraph, Store

Triple = tuple[Node, Node, Node]
BATCH_SIZE = 256
_to_ox = TermCache(term_to_oxigraph)


@dataclass
class _Item:
    extracted: Extracted
    triples: set[Triple]
    current: RecordMeta | None = None
    record_id: str = ""
    iri: str = ""
    graph: list[Triple] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)
    foreign: list[str] = field(default_factory=list)
    result: Any = None  # WriteResult or SocleError once decided
    digest: str | None = None  # computed ahead when a pool validates
    report: dict[str, Any] | None = None  # from the pool
    idents: list[Node] = field(default_factory=list)  # the root's dct:identifier values
    slug: str | None = None  # RecordService._identifier_slug, computed once


def _item(extracted: Extracted) -> _Item:
    """The item with its root's identifiers and slug read once (each read is a scan)."""
    root, ident = extracted.root, DCTERMS.identifier
    triples = set(extracted.graph)
    idents = [o for s, p, o in triples if p == ident and s == root]
    slug = next((str(i) for i in sorted(idents) if SLUG.match(str(i))), None)
    return _Item(extracted, triples, idents=idents, slug=slug)


def upsert_many(service: Any, publisher_id: str, records: Iterable[Extracted],
                batch_size: int = BATCH_SIZE, workers: int = 1) -> Iterator[Any]:
    """WriteResult or SocleError per record, in input order (see the module docstring).

    ``workers`` > 1 validates in that many worker processes, pipelined: batch k+1 is cut,
    looked up, prepared and sent to the workers while batch k's results come back and are
    written. Batch k+1's lookups predate batch k's writes, so every key batch k touched
    counts as touched for batch k+1 (those records take the one-record path): same results.
    """
    pool = ValidationPool.start(service.validator, workers) if workers > 1 else None
    try:
        if pool is None:
            for batch in _chunks(records, batch_size):
                yield from _Batch(service, publisher_id, batch).run()
            return
        with service._lock:
            previous: _Batch | None = None
            for batch in _chunks(records, batch_size):
                current = _Batch(service, publisher_id, batch, pool)
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
                 pool: ValidationPool | None = None) -> None:
        self.svc = service
        self.store: Store = service.store
        self.base = service.base_url
        self.publisher_id = publisher_id
        self.items = [_item(e) for e in records]
        self.pending: list[tuple[_Item, RecordMeta, Any]] = []
        self.touched: set[tuple[str, str]] = set()
        self.pool = pool
        self.publisher: Publisher | None = None
        self.known: set[str] = set()
        self.reports: Any = None

    def run(self) -> list[Any]:
        with self.svc._lock:
            self.stage_a()
            return self.stage_b()

    def stage_a(self) -> None:
        """Lookups and preparation (reads only); with a pool, validation is sent off."""
        try:
            self.publisher = self.svc._publisher(self.publisher_id)
        except SocleError:
            return  # unknown publisher: stage_b lets the one-record path say so
        self._lookups()
        self._prepare_all(self.publisher)
        self.known = self._known_iris({s for i in self.items for s in i.foreign})
        if self.pool is not None:
            todo = []
            for item in self.items:
                if item.result is None and item.graph:
                    item.digest = content_hash(item.graph)
                    if item.current is None or item.current.content_hash != item.digest:
                        todo.append(item)
            self.reports = (todo, self.pool.submit([i.graph for i in todo]))

    def stage_b(self) -> list[Any]:
        """Checks in input order, writes (one transaction), observers."""
        if self.publisher is None:
            for item in self.items:
                self._sequential(item)
            return [i.result for i in self.items]
        if self.reports is not None:
            todo, future = self.reports
            for item, report in zip(todo, future.get(), strict=True):
                item.report = report
        for item in self.items:
            self._decide(item, self.publisher, self.known)
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

    def _known_iris(self, iris: set[str]) -> set[str]:
        """Which of these IRIs are recorded datasets (for the foreign-subject check)."""
        return set(metas(self.store, "iri", iris)) if iris else set()

    # -- per record ----------------------------------------------------------------------------
    def _prepare_all(self, publisher: Publisher) -> None:
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
                    from service.catalog.records import check_owner

                    check_owner(self.publisher_id, item.current.publisher)
                    currents.append(item.current.iri)
            except SocleError as err:
                item.result = err
        stored = stored_identifiers(self.store, currents)
        for item in self.items:
            if item.result is not None:
                continue
            current = item.current
            if current is not None:
                item.record_id = current.id
            else:
                slug = item.slug
                item.record_id = (slug if slug and slug not in self.by_id
                                  else uuid.uuid4().hex[:12])
            try:
                self._prepare(item, publisher, stored)
            except SocleError as err:
                item.result = err

    def _prepare(self, item: _Item, publisher: Publisher,
                 stored: dict[str, list[str]]) -> None:
        """RecordService._prepare and _keep_identifier over a set of triples."""
        from service.catalog.records import record_iri

        root, current, record_id = item.extracted.root, item.current, item.record_id
        iri = record_iri(self.base, root, record_id, current)
        node = URIRef(iri)
        triples: Iterable[Triple] = item.triples
        if isinstance(root, BNode):
            triples = {(node if s == root else s, p, node if o == root else o)
                       for s, p, o in triples}
        index: dict[Node, list[tuple[Node, Node]]] = {}
        for s, p, o in triples:
            if not (s == node and p == DCTERMS.publisher):
                index.setdefault(s, []).append((p, o))
        graph = closure_triples(lambda n: index.get(n, ()), node, set())
        graph = skolemise_triples(graph, f"{self.base}/datasets/{record_id}#") or graph
        given = sorted(str(o) for s, p, o in graph if s == node and p == DCTERMS.identifier)
        if current is None:
            if not given:
                graph.append((node, DCTERMS.identifier, Literal(str(node))))
        else:
            had = sorted(stored.get(current.iri, []))
            if not given:
                graph.extend((node, DCTERMS.identifier, Literal(v)) for v in had)
            elif given != had:
                raise Conflict(
                    f"dct:identifier ne peut pas changer (actuel : {', '.join(had)}).",
                    f"dct:identifier cannot change (current: {', '.join(had)}).",
                    current=had, given=given,
                )
        graph.append((node, DCTERMS.publisher, URIRef(publisher.iri)))
        graph.extend(publisher_triples(publisher))
        item.iri = iri
        item.graph = list(dict.fromkeys(graph))
        own = (iri, publisher.iri)
        own_prefixes = (f"{iri}#", f"{self.base}/datasets/{record_id}#")
        item.foreign = sorted({str(s) for s, _p, _o in item.graph if isinstance(s, URIRef)
                               and str(s) not in own and not str(s).startswith(own_prefixes)})
        item.keys.add(("iri", iri))
        item.keys.add(("id", record_id))
        item.keys.update(("iri", s) for s in item.foreign)

    def _decide(self, item: _Item, publisher: Publisher, known: set[str]) -> None:
        if item.keys & self.touched:
            self._flush()
            self._sequential(item)
            return
        if item.result is None:
            try:
                item.result = self._check_and_validate(item, publisher, known)
            except SocleError as err:
                item.result = err
        self._touch(item)

    def _check_and_validate(self, item: _Item, publisher: Publisher, known: set[str]) -> Any:
        """The rest of RecordService._write, same checks in the same order."""
        from service.catalog.records import WriteResult, check_record_iri, invalid_record

        current, iri = item.current, item.iri
        if current is None and iri in self.by_iri:
            raise Conflict("Cette IRI est déjà utilisée.", "This IRI is already used.")
        check_record_iri(iri)
        areas = tuple(f"{self.base}/{area}/" for area in ("datasets", "publishers", "records"))
        for subject in item.foreign:
            if subject.startswith(areas) or subject in known:
                raise RecordShapeError(
                    f"Le document décrit <{subject}>, qui appartient à un autre "
                    "enregistrement ou éditeur : retirez ces triplets.",
                    f"The document describes <{subject}>, which belongs to another record or "
                    "publisher: remove those triples.",
                    nodes=[f"<{subject}>"],
                )
        digest = item.digest or content_hash(item.graph)
        if current is not None and current.content_hash == digest:
            return WriteResult("unchanged", current, current.validation)
        native = [(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in item.graph]
        report_dict = item.report
        if report_dict is None:
            report_dict = validate_triples(self.svc.validator, item.graph, native).to_dict()
        if not report_dict["conforms"]:
            raise invalid_record(report_dict)
        stamp = bookkeeping.now()
        meta = RecordMeta(
            id=item.record_id, iri=iri, publisher=self.publisher_id,
            issued=current.issued if current else stamp, modified=stamp,
            content_hash=digest, validation=report_dict,
        )
        result = WriteResult("updated" if current else "created", meta, report_dict)
        self.pending.append((item, meta, publisher))
        item.graph = native  # what the store write takes (same triples, pyoxigraph terms)
        return result

    def _touch(self, item: _Item) -> None:
        """What later records of the batch must not look up in the (stale) preloaded maps."""
        self.touched |= item.keys

    def _sequential(self, item: _Item) -> None:
        extracted = item.extracted
        if not isinstance(extracted.graph, Graph):
            graph = Graph()
            for triple in item.triples:
                graph.add(triple)
            extracted = Extracted(extracted.root, graph)
        try:
            item.result = self.svc.upsert(self.publisher_id, extracted)
        except SocleError as err:
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
            changes.append(PutGraph(item.iri, item.graph))
            changes.append(bookkeeping.bookkeeping_change(self.base, meta, publisher.iri))
        self.store.apply(changes)
        for item, meta, _publisher in self.pending:
            node, theme, keyword = (ox.NamedNode(item.iri), _to_ox(DCAT.theme),
                                    _to_ox(DCAT.keyword))
            themes = [o.value for s, p, o in item.graph if s == node and p == theme]
            keywords = [o.value for s, p, o in item.graph if s == node and p == keyword]
            for observer in self.svc.observers:
                observer.record_written(meta, themes, keywords)
        self.pending = []


_validate = validate_triples  # the name service.catalog.revalidate imports
