"""The records service: reads, and the entry points of every write (validated, bookkept,
atomic), each a batch of the one batch writer (``writer.py``) under the rules of ``rules.py``.

A record is one named graph named by the dataset IRI, holding the dataset and the nodes hanging
off it, plus the publisher's Agent description so that each record stands alone (validates,
exports and harvests without joins).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from rdflib import Graph, Literal

from service.catalog import bookkeeping, rules
from service.catalog.bookkeeping import RecordMeta
from service.catalog.commit import announced
from service.catalog.prepare import Intake, Job, record_graph, validate_triples
from service.catalog.private import PrivateArea
from service.catalog.publishers import get_publisher
from service.catalog.rules import (
    BATCH_SIZE,
    SLUG,
    Policy,
    Result,
    Status,
    Write,
    WriteResult,
    check_owner,
    invalid_record,
)
from service.catalog.writer import BatchWriter, RecordObserver
from service.rdf.namespaces import DCAT, DCTERMS, XSD
from service.rdf.records import Extracted, single_record
from service.store import DropGraph, Store

__all__ = ["BATCH_SIZE", "SLUG", "RecordObserver", "RecordService", "WriteResult",
           "check_owner", "invalid_record"]

# Oxigraph stores every integer type as xsd:integer (same value, other datatype). Validation
# admits only these datatypes for these properties, so the stored value had exactly this one;
# without it, a record read back and PUT unchanged would fail its own validation.
STORED_DATATYPES = {DCAT.byteSize: XSD.nonNegativeInteger}


class RecordService:
    """Create, replace, delete and read records for publishers."""

    def __init__(self, store: Store, validator: Any, base_url: str,
                 private: PrivateArea | None = None) -> None:
        """private: the store's private area, which the process's ``Services`` owns; without
        one (tests, tools reading a store) the service opens its own beside the store."""
        # Told of every committed write (the feed's order index keeps itself current).
        self.observers: list[RecordObserver] = []
        self.writer = BatchWriter(store, validator, base_url, self.observers,
                                  private if private is not None else PrivateArea.beside(store))

    @property
    def store(self) -> Store:
        return self.writer.store

    @property
    def base_url(self) -> str:
        return self.writer.base_url

    @property
    def validator(self) -> Any:
        return self.writer.validator

    @validator.setter
    def validator(self, validator: Any) -> None:
        self.writer.validator = validator

    @property
    def private(self) -> PrivateArea:
        """Drafts and quarantined records (``private.py``)."""
        return self.writer.private

    # -- reads ---------------------------------------------------------------------------------
    def meta(self, record_id: str) -> RecordMeta:
        """A public record's bookkeeping (404 for anything else: public pages use this)."""
        meta = bookkeeping.by_id(self.store, record_id)
        if meta is None:
            raise rules.not_found(record_id)
        return meta

    def any_meta(self, record_id: str) -> RecordMeta:
        """A record's bookkeeping, public or private (writes and the owner's reads)."""
        meta = bookkeeping.by_id(self.store, record_id)
        if meta is None:
            meta = self.private.metas("id", [record_id]).get(record_id)
        if meta is None:
            raise rules.not_found(record_id)
        return meta

    def private_meta(self, publisher_id: str, record_id: str) -> RecordMeta:
        """One of the publisher's non-public records; 404 for another publisher's (their
        existence is not disclosed)."""
        meta = self.private.metas("id", [record_id]).get(record_id)
        if meta is None or meta.publisher != publisher_id:
            raise rules.not_found(record_id)
        return meta

    def graph(self, meta: RecordMeta) -> Graph:
        """The record as written: what storage changed is put back (see STORED_DATATYPES)."""
        if not meta.public:
            found = self.private.get(meta.id)
            if found is None:
                raise rules.not_found(meta.id)
            return Graph().parse(data=found.ntriples, format="nt")
        graph = self.store.graph(meta.iri)
        for predicate, datatype in STORED_DATATYPES.items():
            for s, o in list(graph.subject_objects(predicate)):
                if isinstance(o, Literal) and o.datatype == XSD.integer:
                    graph.remove((s, predicate, o))
                    graph.add((s, predicate, Literal(str(o), datatype=datatype)))
        return graph

    # -- writes: each a batch of the writer ------------------------------------------------------
    def create(self, publisher_id: str, document: Graph,
               status: Status = "public") -> WriteResult:
        """POST: a new record (a draft when asked); 409 when its dataset IRI or identifier is
        already recorded."""
        return self.writer.one(publisher_id,
                               Write(single_record(document), "create", status=status))

    def replace(self, publisher_id: str, record_id: str, document: Graph,
                status: Status = "public") -> WriteResult:
        """PUT: replace a record as a whole; the dataset IRI and dct:identifier never change.
        A public write of a draft or quarantined record publishes it (strict validation); a
        draft write of a public record takes it out of the feed."""
        return self.writer.one(publisher_id,
                               Write(single_record(document), "replace", record_id,
                                     status=status))

    def publish(self, publisher_id: str, record_id: str) -> WriteResult:
        """Publish a draft or quarantined record as it is stored, through the one write
        pipeline with strict validation (422 with the report when it still violates)."""
        meta = self.private_meta(publisher_id, record_id)
        return self.replace(publisher_id, record_id, self.graph(meta))

    def list_private(self, publisher_id: str, status: str | None = None, limit: int = 100,
                     offset: int = 0) -> tuple[int, list[RecordMeta]]:
        """The publisher's non-public records (newest first) and how many there are."""
        return (self.private.count(publisher_id, status),
                self.private.list(publisher_id, status, limit, offset))

    def upsert(self, publisher_id: str, extracted: Extracted,
               policy: Policy = "strict", repairs: Iterable[dict[str, Any]] = ()) -> WriteResult:
        """Import: create, or replace the record with the same IRI / identifier; ``repairs``
        are kept with it when the policy quarantines it (its fix list's context)."""
        return self.writer.one(publisher_id, Write(extracted, repairs=tuple(repairs)), policy)

    def upsert_many(self, publisher_id: str, records: Iterable[Extracted],
                    batch_size: int = BATCH_SIZE, workers: int = 1,
                    policy: Policy = "strict",
                    on_prepared: Callable[[int], None] | None = None,
                    intake: Intake | None = None) -> Iterator[Result]:
        """Bulk import: ``upsert`` for each record, in order, many records per transaction;
        a WriteResult, or the SocleError ``upsert`` would have raised, per record
        (``on_prepared``: ``BatchWriter.write``'s per-record progress; ``intake``: records
        cut from an imported document, size-checked and repaired as they are prepared)."""
        return self.writer.write(publisher_id, (Write(e, intake=intake) for e in records),
                                 policy, batch_size, workers, on_prepared)

    def delete(self, publisher_id: str, record_id: str) -> None:
        with self.writer.lock:
            current = self.any_meta(record_id)
            if not current.public:
                check_owner(publisher_id, current.publisher)
                self.private.remove([record_id])
                return
            check_owner(publisher_id, current.publisher)
            with announced(self.observers, [record_id]):
                self.store.apply([DropGraph(current.iri),
                                  bookkeeping.delete_change(self.base_url, record_id)])
            for observer in self.observers:
                observer.record_deleted(record_id)

    def check(self, document: Graph, publisher_id: str | None = None) -> dict[str, Any]:
        """POST /validate: the report a write would get, storing nothing."""
        extracted = single_record(document)
        publisher = (get_publisher(self.store, self.base_url, publisher_id)
                     if publisher_id else None)
        idents = list(extracted.graph.objects(extracted.root, DCTERMS.identifier))
        record_id = rules.asked_id(self.base_url, extracted, idents) or "validation"
        _iri, triples, dropped = record_graph(self.base_url, publisher,
                                              Job(extracted.root, record_id), extracted.graph)
        report: dict[str, Any] = validate_triples(self.validator, triples).to_dict()
        if dropped:
            report["dropped"] = [d.to_dict() for d in dropped]
        return report
