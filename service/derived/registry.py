"""Which indexes the derived store holds: one line per index (a factory). The app, the
commands and `socle reindex` all open the derived store through `open_derived`, so every
registered index is kept current by writes, repaired at start and rebuilt by `reindex`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from service.derived.feed import FeedTable
from service.derived.profiled import ProfiledTable
from service.derived.protocol import DerivedIndex
from service.derived.store import DerivedStore
from service.search.db import SearchTable

INDEXES: list[Callable[[], DerivedIndex]] = [
    FeedTable,
    ProfiledTable,  # each record's output in the feed's profiles (service/feed/assemble.py)
    SearchTable,  # the web search (service/search)
]


def open_derived(store: Any, *, memory: bool = False) -> DerivedStore:
    """The derived store of this RDF store, every registered index in it (not yet checked
    against the store: `DerivedStore.check`). memory: a scratch one in memory (tests compare
    a rebuilt one with the one on disk)."""
    derived = DerivedStore(None) if memory else DerivedStore.for_store(store)
    for factory in INDEXES:
        derived.register(factory())
    return derived


def mark_stale(store: Any) -> None:
    """The store was replaced (restore): the derived store is rebuilt at its next check."""
    derived = DerivedStore.for_store(store)
    try:
        with derived.transaction() as db:
            derived.set_meta(db, "built", "0")
    finally:
        derived.close()


def rebuilt_snapshot(store: Any) -> dict[str, list[tuple]]:
    """The tables a rebuild from this store gives (in memory): the reference a live derived
    store must equal."""
    from service.derived.source import StoreSource

    scratch = open_derived(store, memory=True)
    try:
        scratch.rebuild(StoreSource(store))
        return scratch.snapshot()
    finally:
        scratch.close()
