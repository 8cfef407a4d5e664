"""The feed's order index: every record's position, kept in memory.

Why not SPARQL: `ORDER BY … OFFSET n` costs seconds per deep page on Oxigraph at 100k records.
Records are ordered by creation (dct:issued, then id), which never changes: a record created
while a harvester pages appears on the last page, an update keeps its place, and only a
deletion shifts later records by one (docs/feed.md says what a harvester may then see).
The index is built once from the bookkeeping (one query per fact) and kept current by the
records service; filters are answered from it too.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from service.catalog import bookkeeping
from service.rdf.namespaces import DCAT, DCTERMS, FOAF, RECORDS_GRAPH, SOCLE
from service.store import Store


@dataclass(frozen=True)
class Entry:
    issued: str
    id: str
    iri: str
    publisher: str
    modified: str
    themes: frozenset[str] = field(default_factory=frozenset)
    keywords: frozenset[str] = field(default_factory=frozenset)

    @property
    def key(self) -> tuple[datetime, str]:
        # Parsed: Oxigraph gives dateTimes back in canonical form ("…00.12Z"), whose strings
        # do not sort like the instants they name.
        return (parse_stamp(self.issued), self.id)


@dataclass(frozen=True)
class Filters:
    publisher: str | None = None
    theme: str | None = None
    keyword: str | None = None
    modified_since: datetime | None = None

    def matcher(self) -> Callable[[Entry], bool] | None:
        tests: list[Callable[[Entry], bool]] = []
        if self.publisher:
            tests.append(lambda e: e.publisher == self.publisher)
        if self.theme:
            wanted = self.theme
            tests.append(lambda e: wanted in e.themes
                         or any(t.rsplit("/", 1)[-1] == wanted for t in e.themes))
        if self.keyword:
            word = self.keyword.casefold()
            tests.append(lambda e: word in e.keywords)
        if self.modified_since:
            since = self.modified_since
            tests.append(lambda e: parse_stamp(e.modified) >= since)
        if not tests:
            return None
        return lambda e: all(t(e) for t in tests)


def parse_stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


_FACTS = f"""PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX dct: <{DCTERMS}>
SELECT ?id ?iri ?pub ?issued ?modified WHERE {{ GRAPH <{RECORDS_GRAPH}> {{
  ?rec socle:localId ?id ; foaf:primaryTopic ?iri ; socle:publisherId ?pub ;
       dct:issued ?issued ; dct:modified ?modified }} }}"""
_VALUES = """PREFIX dcat: <%s> SELECT ?iri ?v WHERE { GRAPH ?iri { ?iri %s ?v } }"""


class FeedIndex:
    """Ordered entries, with a version that changes on every write (for ETags)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.RLock()
        self._entries: list[Entry] | None = None
        self._keys: list[tuple[datetime, str]] = []
        self._by_id: dict[str, Entry] = {}
        self._filtered: dict[Filters, list[Entry]] = {}
        self.version = 0
        self.last_modified: str | None = None
        # When anything last changed. Deletions leave no trace in the store, so after a restart
        # the start time is the safe bound (Last-Modified may be later than needed, never earlier).
        self.changed_at = datetime.now(UTC).replace(microsecond=0)
        # External store: other processes write too; follow their writes (feed/follow.py).
        self._follower = None
        if store.remote:
            from service.feed.follow import Follower

            self._follower = Follower(store)
        # Observers told of the other processes' writes this index finds (the search index).
        self.followers: list[Any] = []

    # -- building ------------------------------------------------------------------------------
    def warm(self) -> None:
        """Build now (serve starts this in the background): at 100k records the build takes
        ~30 s, which the first harvester would otherwise wait, often past its timeout."""
        self._load()

    def _load(self) -> list[Entry]:
        with self._lock:
            if self._entries is None:
                # Values shared by many records (publisher ids, theme and keyword sets) are
                # kept once: at 100k records this halves the index's memory.
                shared: dict = {}

                def one(value):
                    return shared.setdefault(value, value)

                themes = self._values(f"<{DCAT}theme>", one)
                keywords = self._values(f"<{DCAT}keyword>", lambda v: one(v.casefold()))
                empty: frozenset[str] = frozenset()
                entries = [
                    Entry(r["issued"], r["id"], r["iri"], one(r["pub"]), r["modified"],
                          one(frozenset(themes.get(r["iri"], empty))),
                          one(frozenset(keywords.get(r["iri"], empty))))
                    for r in self._store.rows(_FACTS)
                ]
                del themes, keywords, shared
                entries.sort(key=lambda e: e.key)
                self._set(entries)
            return self._entries  # type: ignore[return-value]

    def _values(self, predicate: str, convert: Callable[[str], str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in self._store.rows(_VALUES % (DCAT, predicate)):
            out.setdefault(row["iri"], set()).add(convert(row["v"]))
        return out

    def _set(self, entries: list[Entry]) -> None:
        self.last_modified = max((e.modified for e in entries), key=parse_stamp, default=None)
        self._entries = entries
        self._keys = [e.key for e in entries]
        self._by_id = {e.id: e for e in entries}
        self._filtered = {}
        self.version += 1

    # -- keeping current -----------------------------------------------------------------------
    def record_written(self, meta: bookkeeping.RecordMeta, themes: Iterable[str],
                       keywords: Iterable[str]) -> None:
        entry = Entry(meta.issued, meta.id, meta.iri, meta.publisher, meta.modified,
                      frozenset(themes), frozenset(k.casefold() for k in keywords))
        with self._lock:
            if self._entries is None:
                return  # not built yet: the first read loads the current state
            self._remove(meta.id)
            pos = bisect.bisect_left(self._keys, entry.key)
            self._entries.insert(pos, entry)
            self.last_modified = entry.modified
            self._keys.insert(pos, entry.key)
            self._by_id[entry.id] = entry
            self._filtered = {}
            self._touch()

    def record_deleted(self, record_id: str) -> None:
        with self._lock:
            if self._entries is not None and self._remove(record_id):
                self._filtered = {}
                self._touch()

    def _remove(self, record_id: str) -> bool:
        old = self._by_id.pop(record_id, None)
        if old is None:
            return False
        pos = bisect.bisect_left(self._keys, old.key)
        del self._entries[pos]  # type: ignore[union-attr]
        del self._keys[pos]
        return True

    def _touch(self) -> None:
        self.version += 1
        self.changed_at = datetime.now(UTC).replace(microsecond=0)

    def invalidate(self) -> None:
        with self._lock:
            self._entries = None
            self.version += 1

    # -- reading -------------------------------------------------------------------------------
    def follow(self) -> None:
        """External store: catch up with the other processes' writes, then tell `followers`,
        outside the lock (they may read this index while they update themselves)."""
        if self._follower is None:
            return
        with self._lock:
            events = self._follower.sync(self)
        for observer in self.followers:  # record_deleted(id), record_followed(meta, ...)
            for kind, *args in events:
                getattr(observer, f"record_{kind}")(*args)

    def page(self, filters: Filters, start: int, size: int) -> Snapshot:
        """One page of the entries matching filters, read consistently under the lock."""
        self.follow()
        with self._lock:
            entries = self._load()
            match = filters.matcher()
            if match is not None:
                cached = self._filtered.get(filters)
                if cached is None:
                    cached = [e for e in entries if match(e)]
                    self._filtered[filters] = cached
                entries = cached
            return Snapshot(entries[start:start + size], len(entries), self.version,
                            self.changed_at, self.last_modified)


@dataclass(frozen=True)
class Snapshot:
    entries: list[Entry]
    total: int
    version: int
    changed_at: datetime
    last_modified: str | None  # newest dct:modified of any record (the catalogue's)
