"""The sub-catalogues /catalog lists (one per publisher, ``dct:hasPart``), kept between
requests.

Why: reading them is a SPARQL query (~1 ms) on every page of the feed, for a list that
changes only when a publisher is written. The list is kept with the store's count of
committed writes (`Store.writes`) read before the query: any write of this process (a
publisher saved, a delegation, a restore, a record) makes it stale, and the next page reads
it again. An external store (`Store.remote`) is written by other processes too: no cache.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from service.catalog.publishers import list_publishers
from service.feed.page import SubCatalog
from service.store.base import Store


@dataclass
class SubCatalogs:
    """The list kept for one process's store (held by its `Services`, not by this module: two
    sets of services in one process keep two lists)."""

    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # (writes, base) when read, and the list read then
    _kept: tuple[int, str, tuple[SubCatalog, ...]] | None = field(default=None, repr=False)

    def get(self, store: Store, base: str) -> tuple[SubCatalog, ...]:
        """The publishers' sub-catalogues under ``base``, in publisher id order."""
        writes = store.writes
        if not store.remote:
            with self._lock:
                found = self._kept
            if found is not None and found[:2] == (writes, base):
                return found[2]
        parts = tuple(SubCatalog(f"{base}/publishers/{p.id}/catalog", p.iri, p.name)
                      for p in list_publishers(store))
        if not store.remote:
            with self._lock:
                self._kept = (writes, base, parts)
        return parts
