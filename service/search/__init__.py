"""Search over the records: a SQLite FTS5 index on disk with French stems, facets and sorts
(`index.py` says why and how it stays consistent with the store)."""

from service.search.docs import FACETS, Doc
from service.search.index import SORTS, Result, SearchIndex

__all__ = ["FACETS", "SORTS", "Doc", "Result", "SearchIndex"]
