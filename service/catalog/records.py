"""The records service: every write goes through here, validated, bookkept, atomic.

A record is one named graph named by the dataset IRI, holding the dataset and the nodes hanging
off it, plus the publisher's Agent description so that each record stands alone (validates,
exports and harvests without joins).
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from typing import Literal as Lit

from rdflib import Graph, Literal, URIRef

from service.catalog import bookkeeping
from service.catalog.bookkeeping import RecordMeta
from service.catalog.bulk_lookups import described_by, metas
from service.catalog.bulk_prepare import Job, record_graph
from service.catalog.ownership import (
    Dropped,
    check_foreign,
    check_record_iri,
    foreign_subjects,
    lookup_iris,
    own_prefixes,
    under_base,
    wanted_id,
)
from service.catalog.publishers import Publisher, get_publisher
from service.errors import Conflict, Forbidden, InvalidRecord, NotFound, SocleError
from service.rdf.namespaces import DCAT, DCTERMS, XSD
from service.rdf.records import Extracted, content_hash, single_record
from service.store import DropGraph, PutGraph, Store

# Oxigraph stores every integer type as xsd:integer (same value, other datatype). Validation
# admits only these datatypes for these properties, so the stored value had exactly this one;
# without it, a record read back and PUT unchanged would fail its own validation.
STORED_DATATYPES = {DCAT.byteSize: XSD.nonNegativeInteger}

SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")  # no dots: a dot starts a format suffix

Outcome = Lit["created", "updated", "unchanged"]
# Records per transaction of a bulk import. Measured (docs/benchmarks.md, "Bulk import"): each
# batch is one bulk load, i.e. a set of new SST files RocksDB later compacts; 256-record
# batches cost ~25 % more CPU than 1,024 for 10,000 datasets, 2,048 gained nothing more.
BATCH_SIZE = 1024


class RecordObserver(Protocol):
    def record_written(self, meta: RecordMeta, themes: Iterable[str],
                       keywords: Iterable[str]) -> None: ...

    def record_deleted(self, record_id: str) -> None: ...


@dataclass(frozen=True)
class WriteResult:
    outcome: Outcome
    meta: RecordMeta
    report: dict[str, Any]
    dropped: tuple[dict[str, Any], ...] = ()  # ownership.Dropped report lines


@dataclass(frozen=True)
class Prepared:
    record_id: str
    iri: str
    graph: Graph
    dropped: list[Dropped]


class RecordService:
    """Create, replace, delete and read records for publishers."""

    def __init__(self, store: Store, validator: Any, base_url: str) -> None:
        self.store = store
        self.validator = validator
        self.base_url = base_url.rstrip("/")
        # Told of every committed write (the feed's order index keeps itself current).
        self.observers: list[RecordObserver] = []
        # Check-then-write sections (id allocation, ownership) must not interleave.
        self._lock = threading.RLock()

    # -- reads ---------------------------------------------------------------------------------
    def meta(self, record_id: str) -> RecordMeta:
        meta = bookkeeping.by_id(self.store, record_id)
        if meta is None:
            raise NotFound(f"Aucun jeu de données « {record_id} ».",
                           f"No dataset '{record_id}'.")
        return meta

    def graph(self, meta: RecordMeta) -> Graph:
        """The record as written: what storage changed is put back (see STORED_DATATYPES)."""
        graph = self.store.graph(meta.iri)
        for predicate, datatype in STORED_DATATYPES.items():
            for s, o in list(graph.subject_objects(predicate)):
                if isinstance(o, Literal) and o.datatype == XSD.integer:
                    graph.remove((s, predicate, o))
                    graph.add((s, predicate, Literal(str(o), datatype=datatype)))
        return graph

    # -- writes --------------------------------------------------------------------------------
    def create(self, publisher_id: str, document: Graph) -> WriteResult:
        """POST: a new record; 409 when its dataset IRI or identifier is already recorded."""
        extracted = single_record(document)
        with self._lock:
            existing = self._existing(publisher_id, extracted)
            if existing is not None:
                check_owner(publisher_id, existing.publisher)
                raise Conflict(
                    f"Ce jeu de données existe déjà ({existing.id}) : utilisez PUT "
                    f"/datasets/{existing.id} pour le remplacer.",
                    f"This dataset already exists ({existing.id}): use PUT "
                    f"/datasets/{existing.id} to replace it.",
                    record=existing.id,
                )
            return self._write(publisher_id, extracted, None)

    def replace(self, publisher_id: str, record_id: str, document: Graph) -> WriteResult:
        """PUT: replace a record as a whole; the dataset IRI and dct:identifier never change."""
        extracted = single_record(document)
        with self._lock:
            current = self.meta(record_id)
            check_owner(publisher_id, current.publisher)
            if isinstance(extracted.root, URIRef) and str(extracted.root) != current.iri:
                raise Conflict(
                    f"L'IRI du jeu de données ne peut pas changer ({current.iri}).",
                    f"The dataset IRI cannot change ({current.iri}).",
                )
            return self._write(publisher_id, extracted, current)

    def upsert(self, publisher_id: str, extracted: Extracted) -> WriteResult:
        """Import: create, or replace the record with the same IRI / identifier."""
        with self._lock:
            existing = self._existing(publisher_id, extracted)
            if existing is not None:
                check_owner(publisher_id, existing.publisher)
            return self._write(publisher_id, extracted, existing)

    def upsert_many(self, publisher_id: str, records: Iterable[Extracted],
                    batch_size: int = BATCH_SIZE, workers: int = 1,
                    repair: tuple[str | None, str | None] | None = None,
                    ) -> Iterator[WriteResult | SocleError]:
        """Bulk import: ``upsert`` for each record, in order, many records per transaction.

        Yields a WriteResult, or the SocleError ``upsert`` would have raised, per record
        (see service/catalog/bulk.py for why and how it stays equivalent).
        """
        from service.catalog.bulk import upsert_many

        return upsert_many(self, publisher_id, records, batch_size, workers, repair)

    def delete(self, publisher_id: str, record_id: str) -> None:
        with self._lock:
            current = self.meta(record_id)
            check_owner(publisher_id, current.publisher)
            self.store.apply([DropGraph(current.iri),
                              bookkeeping.delete_change(self.base_url, record_id)])
            for observer in self.observers:
                observer.record_deleted(record_id)

    def check(self, document: Graph, publisher_id: str | None = None) -> dict[str, Any]:
        """POST /validate: the report a write would get, storing nothing."""
        extracted = single_record(document)
        publisher = self._publisher(publisher_id) if publisher_id else None
        record_id = self._identifier_slug(extracted) or "validation"
        prepared = self._prepare(extracted, record_id, None, publisher)
        report = self.validator.validate(prepared.graph).to_dict()
        if prepared.dropped:
            report["dropped"] = [d.to_dict() for d in prepared.dropped]
        return report

    # -- internals -----------------------------------------------------------------------------
    def _publisher(self, publisher_id: str) -> Publisher:
        return get_publisher(self.store, self.base_url, publisher_id)

    def _existing(self, publisher_id: str, extracted: Extracted) -> RecordMeta | None:
        if isinstance(extracted.root, URIRef):
            return bookkeeping.by_iri(self.store, str(extracted.root))
        for identifier in extracted.graph.objects(extracted.root, DCTERMS.identifier):
            found = bookkeeping.by_identifier(self.store, publisher_id, str(identifier))
            if found:
                return found
        return None

    def _identifier_slug(self, extracted: Extracted) -> str | None:
        """The local id the record asks for (``ownership.wanted_id``)."""
        return wanted_id(self.base_url, extracted.root,
                         extracted.graph.objects(extracted.root, DCTERMS.identifier),
                         lambda v: bool(SLUG.match(v)))

    def _new_id(self, extracted: Extracted) -> str:
        slug = self._identifier_slug(extracted)
        if slug and bookkeeping.by_id(self.store, slug) is None:
            return slug
        return uuid.uuid4().hex[:12]

    def _prepare(self, extracted: Extracted, record_id: str, current: RecordMeta | None,
                 publisher: Publisher | None) -> Prepared:
        had: tuple[str, ...] = ()
        if current is not None:
            had = tuple(str(o) for o in self.store.graph(current.iri)
                        .objects(URIRef(current.iri), DCTERMS.identifier))
        job = Job(extracted.root, record_id, current.iri if current else None, None, had)
        iri, triples, dropped = record_graph(self.base_url, publisher, job, extracted.graph)
        graph = Graph()
        for triple in triples:
            graph.add(triple)
        return Prepared(record_id, iri, graph, dropped)

    def _write(self, publisher_id: str, extracted: Extracted,
               current: RecordMeta | None) -> WriteResult:
        publisher = self._publisher(publisher_id)
        record_id = current.id if current else self._new_id(extracted)
        prepared = self._prepare(extracted, record_id, current, publisher)
        if current is None and bookkeeping.by_iri(self.store, prepared.iri):
            raise Conflict("Cette IRI est déjà utilisée.", "This IRI is already used.")
        check_record_iri(self.base_url, prepared.iri, record_id, current is None)
        self._refuse_foreign_subjects(prepared, publisher)
        dropped = tuple(d.to_dict() for d in prepared.dropped)
        digest = content_hash(prepared.graph)
        if current is not None and current.content_hash == digest:
            return WriteResult("unchanged", current, current.validation, dropped)
        report = self.validator.validate(prepared.graph)
        report_dict = report.to_dict()
        if not report.conforms:  # the report object decides (harvest's lenient validator)
            raise invalid_record(report_dict)
        stamp = bookkeeping.now()
        meta = RecordMeta(
            id=record_id, iri=prepared.iri, publisher=publisher_id,
            issued=current.issued if current else stamp, modified=stamp,
            content_hash=digest, validation=report_dict,
        )
        self.store.apply([
            PutGraph(prepared.iri, prepared.graph),
            bookkeeping.bookkeeping_change(self.base_url, meta, publisher.iri),
        ])
        node = URIRef(prepared.iri)
        themes = [str(t) for t in prepared.graph.objects(node, DCAT.theme)]
        keywords = [str(k) for k in prepared.graph.objects(node, DCAT.keyword)]
        for observer in self.observers:
            observer.record_written(meta, themes, keywords)
        return WriteResult("updated" if current else "created", meta, report_dict, dropped)

    def _refuse_foreign_subjects(self, prepared: Prepared, publisher: Publisher) -> None:
        """A record describes only itself (``ownership``: no other record's, publisher's or
        service's node, no IRI another publisher's record describes)."""
        foreign = foreign_subjects(prepared.graph, prepared.iri,
                                   own_prefixes(self.base_url, prepared.iri,
                                                prepared.record_id), publisher.iri)
        looked = lookup_iris(prepared.iri, foreign)
        record_iris = set(metas(self.store, "iri", looked))
        described = described_by(self.store, {i for i in looked
                                              if not under_base(self.base_url, i)})
        check_foreign(self.base_url, prepared.iri, publisher.id, foreign, record_iris,
                      described)


def check_owner(writer: str, owner: str) -> None:
    """Tokens write only their own publisher's records."""
    if writer != owner:
        raise Forbidden(
            f"Cet enregistrement appartient à l'éditeur « {owner} » : votre jeton ne permet "
            f"d'écrire que pour « {writer} ».",
            f"This record belongs to publisher '{owner}': your token only writes for "
            f"'{writer}'.",
        )


def invalid_record(report: dict) -> InvalidRecord:
    """The 422 of a record SHACL found violations in, with its report."""
    count = report["violations"]
    return InvalidRecord(
        f"Le jeu de données a {count} erreur(s) bloquante(s) : corrigez-les (voir "
        "« results »).",
        f"The dataset has {count} violation(s): fix them (see 'results').",
        validation=report, results=report["results"],
    )
