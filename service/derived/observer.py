"""The derived store in the write path (catalog/writer.py, catalog/records.py): the three
steps of store.DerivedStore's consistency protocol around each store transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from service.derived.ahead import AHEAD, extractor, records_ahead
from service.derived.source import StoreSource
from service.derived.store import DerivedStore


class DerivedWriter:
    """A record observer with the before/after hooks the writer calls."""

    def __init__(self, derived: DerivedStore, store: Any) -> None:
        self.derived = derived
        self.source = StoreSource(store)
        # Run where each record is prepared (catalog/prepare.py); None: rows made after the
        # write from the graphs as the store keeps them (ahead.py says why).
        self.record_extractor = extractor(derived.indexes, store.stored_form())

    def records_pending(self, record_ids: Sequence[str]) -> None:
        self.derived.ensure(self.source)  # built and repaired before it takes a write
        self.derived.begin(record_ids)

    def records_failed(self, record_ids: Sequence[str]) -> None:
        """The store write failed, maybe half way (an external store takes big batches in
        several requests): rewrite these records as the store has them. If the store cannot
        be read either, the pending rows stay for the repair at start."""
        with contextlib.suppress(Exception):  # the write's own error is the one to report
            self.derived.repair(self.source, record_ids)

    def records_stored(self, metas: Sequence[Any], texts: Sequence[str] | None = None,
                       extracted: Sequence[dict[str, Any]] | None = None) -> None:
        """``texts``: the graphs as written (N-Triples), in the order of ``metas``;
        ``extracted``: what the extractors made of each, ours (`record_extractor`) among
        them when every record went through it."""
        aheads = [a for e in extracted or () if (a := e.get(AHEAD)) is not None]
        if aheads and len(aheads) == len(metas):
            self.derived.written(*records_ahead(metas, aheads))
            return
        self.derived.written(self.source.written(metas, texts))

    # RecordObserver: single writes come through records_stored; deletions here.
    def record_written(self, meta: Any, themes: Any, keywords: Any) -> None:
        self.records_stored([meta])

    def record_deleted(self, record_id: str) -> None:
        self.derived.deleted([record_id])
