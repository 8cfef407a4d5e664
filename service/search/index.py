"""The search index of the web pages, on disk: SQLite FTS5 over French stems, facets, sorts.

Why on disk: the former in-memory index was rebuilt by every process at every start (two
minutes at 100,000 records, search incomplete meanwhile, hundreds of MB per process). This one
lives in the store's private directory (`store.files_dir`; in memory for an in-memory store),
is updated in the write path (the records service's observers) and is answered from at once
at the next start. Consistency with the store: a write that dies between the store and the
index, or a command that wrote while no server ran, leaves records whose bookkeeping
(content hash, dct:modified) differs from the index's; `reconcile` compares both lists (one
query) and re-indexes the differences, and `serve` runs it in the background at start. An
interrupted rebuild leaves no `built` mark, so the next use rebuilds.

Several processes: over an external store, writes of the other processes reach this one
through the feed index's follower (generation marker, feed/follow.py), which calls
`record_followed`; processes sharing a data directory share the file (WAL), and a followed
write that is already indexed (same dct:modified) costs one lookup.

Searching: every query word must match (its stem, or a longer stem it starts from three
letters); when no record has them all and the query has several words, the records with any
of them are given, those with the most words first, and `Result.fallback` says so. Sorts:
relevance (BM25, title words weigh more, then newest), date (dct:modified, newest first),
title (French collation).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from service.catalog import bookkeeping
from service.feed.index import parse_stamp
from service.search import db, docs, text
from service.search.docs import FACETS, Doc
from service.store import Store

SORTS = ("relevance", "date", "title")
CACHE_SIZE = 256
TITLE_WEIGHT = 4.0  # bm25 column weights: title, body
REBUILD_SHARE = 0.2  # reconcile rebuilds instead when more than this share of records differ


@dataclass(frozen=True)
class Result:
    total: int
    docs: list[Doc]
    facets: dict[str, list[tuple[str, int]]]  # facet -> (value, count), most frequent first
    fallback: bool = False  # no record has every word: records with some of them
    sort: str = "relevance"


class SearchIndex:
    def __init__(self, store: Store, directory: str | None = None) -> None:
        self._store = store
        self.db = db.Database(directory)
        self.table = db.SearchTable()
        self._write = threading.RLock()
        self._cache: OrderedDict[tuple, Result] = OrderedDict()
        # External store: called before each read, outside the lock, to take in the other
        # processes' writes (the app sets it to the feed index's follow, which tells us).
        self.before_read: Callable[[], None] | None = None

    # -- building ------------------------------------------------------------------------------
    @property
    def version(self) -> int:
        return int(self.db.get("version") or 0)

    def built(self) -> bool:
        return self.db.get("built") == "1"

    def warm(self) -> dict[str, int]:
        """At start (serve runs it in the background): build if there is no index, else
        repair what differs from the store."""
        if not self.built():
            return {"rebuilt": self.rebuild()}
        return self.reconcile()

    def _ensure(self) -> None:
        if not self.built():
            with self._write:
                if not self.built():
                    self.rebuild()

    def rebuild(self) -> int:
        """Index every record again from the store, in one transaction; returns the count."""
        with self._write:
            con = self.db.con
            con.execute("BEGIN IMMEDIATE")
            try:
                self.db.clear(con)
                n = self.table.write_docs(con, docs.scan(self._store), count=False)
                self.db.put(con, "built", "1")
                db.bump(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
            return n

    def _transaction(self, work: Callable[[sqlite3.Connection], bool]) -> None:
        with self._write:
            con = self.db.con
            con.execute("BEGIN IMMEDIATE")
            try:
                if work(con):
                    db.bump(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def _put(self, new: list[Doc]) -> None:
        self._transaction(lambda con: self.table.write_docs(con, new) > 0)

    def _read(self, meta: Any) -> Doc:
        return docs.doc_of(meta, self._store.triples([meta.iri]))

    def reconcile(self) -> dict[str, int]:
        """Compare the store's bookkeeping (id, content hash, dct:modified) with the index and
        re-index what differs; a rebuild when much differs (a restore, a bulk import by a
        command while no server ran)."""
        self._ensure()
        stored = {f.id: f for f in docs.facts(self._store)}
        indexed = {rid: (h, stamp) for rid, h, stamp in
                   self.db.con.execute("SELECT id, hash, stamp FROM search_docs")}
        stale = [f for rid, f in stored.items() if indexed.get(rid) !=
                 (f.content_hash, parse_stamp(f.modified).isoformat())]
        gone = [rid for rid in indexed if rid not in stored]
        if len(stale) + len(gone) > max(100, REBUILD_SHARE * len(stored)):
            return {"rebuilt": self.rebuild()}
        for i in range(0, len(stale), 500):
            self._put([self._read(f) for f in stale[i:i + 500]])
        if gone:
            self._transaction(lambda con: any([db.remove(con, rid) for rid in gone]))
        return {"updated": len(stale), "removed": len(gone)}

    # -- kept current by the records service (RecordObserver) ----------------------------------
    def records_written(self, batch: list[tuple[bookkeeping.RecordMeta, Any]]) -> None:
        """A committed batch of the writer: each record's N-Triples as written."""
        if self.built():  # else the first search builds from the store
            self._put([docs.doc_of(meta, iter(triples)) for meta, triples in batch])

    def record_written(self, meta: bookkeeping.RecordMeta, themes: Iterable[str] = (),
                       keywords: Iterable[str] = ()) -> None:
        if self.built():
            self._put([self._read(meta)])

    def record_followed(self, meta: Any, themes: Iterable[str], keywords: Iterable[str]) -> None:
        """A write of another process (feed/follow.py, which repeats recent ones): read again
        only when the record's dct:modified moved."""
        if not self.built():
            return
        row = self.db.con.execute("SELECT stamp FROM search_docs WHERE id = ?",
                                  (meta.id,)).fetchone()
        if row is not None and row[0] == parse_stamp(meta.modified).isoformat():
            return
        full = bookkeeping.by_id(self._store, meta.id)  # with its content hash
        if full is not None:
            self._put([self._read(full)])

    def record_deleted(self, record_id: str) -> None:
        if self.built():
            self._transaction(lambda con: db.remove(con, record_id))

    def invalidate(self) -> None:
        """The store was replaced (restore, rebase): rebuild on the next use."""
        with self._write:
            con = self.db.con
            con.execute("DELETE FROM search_meta WHERE key = 'built'")
            db.bump(con)

    def close(self) -> None:
        self.db.close()

    # -- reading -------------------------------------------------------------------------------
    def _catch_up(self) -> None:
        if self.before_read is not None:
            self.before_read()
        self._ensure()

    def __len__(self) -> int:
        self._catch_up()
        return self.db.con.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0]

    def search(self, query: str = "", filters: dict[str, str] | None = None, *,
               offset: int = 0, limit: int = 20, sort: str = "relevance") -> Result:
        filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        sort = sort if sort in SORTS else "relevance"
        self._catch_up()
        key = (self.version, query, tuple(sorted(filters.items())), sort, offset, limit)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        from service.search.query import answer

        result = answer(self.db.con, text.query_terms(query), filters, sort, offset, limit)
        self._cache[key] = result
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return result

    def latest(self, limit: int = 10, publisher: str | None = None) -> list[Doc]:
        return self.search("", {"publisher": publisher} if publisher else {}, limit=limit,
                           sort="date").docs

    def counts(self, facet: str) -> dict[str, int]:
        """How many records per facet value (e.g. per publisher, for the home page)."""
        self._catch_up()
        return dict(self.db.con.execute(
            "SELECT value, count FROM search_vals WHERE facet = ? AND count > 0", (facet,)))


__all__ = ["FACETS", "SORTS", "Doc", "Result", "SearchIndex"]
