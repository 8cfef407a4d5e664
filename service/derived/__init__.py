"""Derived data kept on disk beside the RDF store (issue 18): the feed's facts and record
texts, the search index, each a `DerivedIndex` in one SQLite file (`store.DerivedStore`).

Why: read models rebuilt in memory at every start cost 30-120 s and ~1 GB per process at
100,000 records; kept in SQLite they are ready at start, shared by the processes of one host
and rebuildable from the store at any time (`socle reindex`). The store stays the truth.
"""

from service.derived.protocol import DerivedIndex, Record

__all__ = ["DerivedIndex", "Record"]
