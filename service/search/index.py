"""The search index of the web pages, on disk: SQLite FTS5 over French stems, facets, sorts.

Why on disk: the former in-memory index was rebuilt by every process at every start (two
minutes at 100,000 records, search incomplete meanwhile, hundreds of MB per process). Its
tables (`db.SearchTable`) are an index of the derived store (service/derived: one SQLite file
beside the RDF store, in memory for an in-memory store), which owns the rest: updated in the
write path for every index at once, the pending-write log repaired at start after a crash,
rebuilt by `socle reindex` or when the table layout changes, other processes' writes followed
over an external store (generation marker). This class only answers from it.

Searching: every query word must match (its stem, or a longer stem it starts from three
letters); when no record has them all and the query has several words, the records with any
of them are given, those with the most words first, and `Result.fallback` says so. Sorts:
relevance (BM25, title words weigh more, then newest), date (dct:modified, newest first),
title (French collation).

Every search runs under a time budget (`budget.py`, `SOCLE_SEARCH_BUDGET_MS`): past it the
reader gets a 503 problem asking to narrow the search; the sitemap's listing has none (it
walks an index in order).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from service.search import budget, text
from service.search.docs import FACETS, Doc
from service.search.query import Result, answer

SORTS = ("relevance", "date", "title")
CACHE_SIZE = 256


class SearchIndex:
    def __init__(self, derived: Any, ensure: Callable[[], Any] | None = None,
                 budget_ms: float | None = None) -> None:
        """derived: the DerivedStore holding the search tables; ensure: checks it against the
        RDF store once per process before the first read (the feed index's `warm`);
        budget_ms: the time budget of one search (`budget.py`; default from the
        environment)."""
        self.derived = derived
        self.budget_ms = budget_ms if budget_ms is not None else budget.configured_ms()
        self.progress_steps = budget.STEPS
        self._ensure = ensure
        self._cache: OrderedDict[tuple, Result] = OrderedDict()
        # External store: called before each read to take in the other processes' writes
        # (the app sets it to the feed index's follow, which updates the derived store).
        self.before_read: Callable[[], None] | None = None

    def warm(self) -> None:
        if self._ensure is not None:
            self._ensure()

    def _catch_up(self) -> None:
        if self.before_read is not None:
            self.before_read()
        self.warm()

    def __len__(self) -> int:
        self._catch_up()
        with self.derived.reading() as con:
            return int(con.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0])

    def search(self, query: str = "", filters: dict[str, str] | None = None, *,
               offset: int = 0, limit: int = 20, sort: str = "relevance") -> Result:

        filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        sort = sort if sort in SORTS else "relevance"
        self._catch_up()
        with self.derived.reading() as con:
            version = self.derived.meta("version", con)
            key = (version, query, tuple(sorted(filters.items())), sort, offset, limit)
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            with budget.budget(con, self.budget_ms, self.progress_steps):
                result = answer(con, text.query_terms(query), filters, sort, offset, limit)
        self._cache[key] = result
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return result

    def latest(self, limit: int = 10, publisher: str | None = None) -> list[Doc]:
        return self.search("", {"publisher": publisher} if publisher else {}, limit=limit,
                           sort="date").docs

    def listing(self, offset: int = 0, limit: int = 50_000) -> list[tuple[str, str]]:
        """(record id, dct:modified stamp) of every indexed record, newest first, a slice at a
        time: what the sitemap needs, without the pages' facets and documents."""
        self._catch_up()
        with self.derived.reading() as con:
            return [(rid, stamp) for rid, stamp in con.execute(
                "SELECT id, stamp FROM search_docs ORDER BY modified DESC, n DESC "
                "LIMIT ? OFFSET ?", (limit, offset))]

    def counts(self, facet: str) -> dict[str, int]:
        """How many records per facet value (e.g. per publisher, for the home page)."""
        self._catch_up()
        with self.derived.reading() as con:
            return dict(con.execute(
                "SELECT value, count FROM search_vals WHERE facet = ? AND count > 0", (facet,)))

    def invalidate(self) -> None:
        """Something wrote around the records (an admin command run by the server): forget
        the cached answers; the tables are the derived store's, rechecked by the feed index."""
        self._cache.clear()

    def close(self) -> None:
        """Nothing of its own: the derived store is closed by its owner."""


__all__ = ["FACETS", "SORTS", "Doc", "Result", "SearchIndex"]
