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
from weakref import WeakKeyDictionary

from service.catalog.publishers import list_publishers
from service.feed.page import SubCatalog
from service.store.base import Store

_lock = threading.Lock()
# per store (a test process opens many): (writes, base) and the list read then
_kept: WeakKeyDictionary[Store, tuple[int, str, tuple[SubCatalog, ...]]] = WeakKeyDictionary()


def sub_catalogs(store: Store, base: str) -> tuple[SubCatalog, ...]:
    """The publishers' sub-catalogues under ``base``, in publisher id order."""
    writes = store.writes
    if not store.remote:
        with _lock:
            found = _kept.get(store)
        if found is not None and found[:2] == (writes, base):
            return found[2]
    parts = tuple(SubCatalog(f"{base}/publishers/{p.id}/catalog", p.iri, p.name)
                  for p in list_publishers(store))
    if not store.remote:
        with _lock:
            _kept[store] = (writes, base, parts)
    return parts
