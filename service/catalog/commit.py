"""Committing a batch's checked records (``batch.py``): public records and their bookkeeping
to the store in one transaction, drafts and quarantined records to the private area, and the
observers told (the derived store first, with a write-ahead log around the transaction). A
record changing place is moved by the protocol of ``moves.py`` (logged, so a killed process
leaves it in exactly one place).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from service.catalog import bookkeeping
from service.catalog.bookkeeping import RecordMeta
from service.catalog.moves import recover
from service.store import DropGraph, PutGraph
from service.store.base import NTriples

if TYPE_CHECKING:
    from service.catalog.batch import Item
    from service.catalog.writer import BatchWriter

# Below this many records a commit hands the store parsed triples, not N-Triples text: the
# embedded store bulk-loads text, whose new SST files cost a lone API write several times the
# CPU of a plain transaction.
BULK_LOAD_MIN = 16


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


@contextmanager
def moving(writer: BatchWriter, metas: list[RecordMeta]) -> Iterator[None]:
    """A store transaction that moves these records: when it fails, their logged moves are
    resolved at once from what the store holds (``moves.recover``)."""
    try:
        yield
    except BaseException:
        if metas:
            recover(writer.store, writer.private, [m.id for m in metas])
        raise


def commit_public(writer: BatchWriter, base: str, publisher_iri: str,
                  pending: list[tuple[Item, RecordMeta]]) -> None:
    """Public records and their bookkeeping in one store transaction, then the observers; a
    record that was private (a published draft) leaves the private area afterwards."""
    changes: list[Any] = []
    for item, meta in pending:
        assert item.prepared is not None
        # N-Triples text: stores load it as it is
        changes.append(PutGraph(item.iri, item.prepared.graph))
        changes.append(bookkeeping.bookkeeping_change(base, meta, publisher_iri))
    written = [(meta, item.prepared.graph, item.prepared.extracted)  # type: ignore[union-attr]
               for item, meta in pending]
    # Observers whose own graphs go in the same transaction (quality scores), and what each
    # does after it; they are not told again below.
    joined: dict[int, Any] = {}
    for observer in writer.observers:
        join = getattr(observer, "records_joining", None)
        if join is not None:
            extra, joined[id(observer)] = join(written)
            changes += extra
    if len(pending) < BULK_LOAD_MIN:
        changes = [_parsed(c) for c in changes]
    metas = [meta for _, meta in pending]
    # Published drafts and quarantined records leave the private area (moves.py: logged,
    # store transaction, then the private rows and the log go together).
    leaving = [m for i, m in pending if i.current is not None and not i.current.public]
    writer.private.begin_publish((m.id, m.content_hash) for m in leaving)
    with moving(writer, leaving), announced(writer.observers, [m.id for m in metas]):
        writer.store.apply(changes)
    writer.private.end_moves([m.id for m in leaving], drop_records=True)
    for observer in writer.observers:
        after = joined.get(id(observer))
        if after is not None:
            after()
            continue
        stored = getattr(observer, "records_stored", None)
        if stored is not None:  # the derived store: what the store kept
            stored(metas, [item.prepared.graph.text  # type: ignore[union-attr]
                           for item, _ in pending],
                   [item.prepared.extracted for item, _ in pending])  # type: ignore[union-attr]
            continue
        batch = getattr(observer, "records_written", None)
        if batch is not None:  # observers that do better per batch
            batch(written)
            continue
        for item, meta in pending:
            prepared = item.prepared
            assert prepared is not None
            observer.record_written(meta, prepared.themes, prepared.keywords)


def _parsed(change: Any) -> Any:
    """A graph sent as N-Triples text, as parsed triples: below BULK_LOAD_MIN records the
    embedded store then writes a plain transaction instead of a bulk load (new SST files)."""
    if not isinstance(change, PutGraph) or not isinstance(change.triples, NTriples):
        return change
    return PutGraph(change.name, [(t.subject, t.predicate, t.object) for t in ox.parse(
        change.triples.text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)])


def commit_private(writer: BatchWriter, base: str,
                   hidden: list[tuple[Item, RecordMeta]]) -> None:
    """Drafts and quarantined records to the private area; a public record that became one
    leaves the store (observers hear it deleted: it left the feed)."""
    left = [m for i, m in hidden if i.current is not None and i.current.public]
    # Its fix list: the caller's repairs, or the intake's (prepare.repaired). Records leaving
    # the store are logged as moves in the same SQLite transaction (moves.py).
    writer.private.put(
        ((m, i.prepared.graph.text,  # type: ignore[union-attr]
          list(i.write.repairs) + list(i.prepared.repairs))  # type: ignore[union-attr]
         for i, m in hidden), hiding=[(m.id, m.content_hash) for m in left])
    if not left:
        return
    changes: list[Any] = []
    for meta in left:
        changes += [DropGraph(meta.iri), bookkeeping.delete_change(base, meta.id)]
    with moving(writer, left), announced(writer.observers, [m.id for m in left]):
        writer.store.apply(changes)
    writer.private.end_moves([m.id for m in left], drop_records=False)
    for meta in left:
        for observer in writer.observers:
            observer.record_deleted(meta.id)
