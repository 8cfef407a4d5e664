"""What an index kept in the derived store implements (the plug-in point).

An index owns a few SQLite tables whose names start with its `name`. The `DerivedStore`
owns the connection, the transactions and the consistency with the RDF store: it calls an
index only inside a transaction it opened (the index never commits), with whole records, for
live writes, for the repair of interrupted writes at start and for `socle reindex` alike, so
an index built live and one rebuilt from the store see the same calls.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox


@dataclass(frozen=True)
class Record:
    """One record as written: its bookkeeping facts and its graph as N-Triples text (one
    triple per line, no blank nodes; `store.base.NTriples` is the same text)."""

    id: str
    iri: str
    publisher: str
    issued: str      # creation stamp: the feed's order (xsd:dateTime lexical form)
    modified: str
    content_hash: str
    themes: tuple[str, ...]
    keywords: tuple[str, ...]
    text: str
    # The same graph as pyoxigraph triples when the reader had them (source.py): indexes that
    # need terms take these instead of parsing `text` again. Not part of the record's value.
    triples: Any = field(default=None, compare=False, repr=False)

    def terms(self) -> list[ox.Triple]:
        """The graph as pyoxigraph triples: the reader's when it had them, else `text`
        parsed."""
        if self.triples is not None:
            return list(self.triples)
        if not self.text:
            return []
        return [q.triple for q in ox.parse(self.text.encode("utf-8"),
                                           format=ox.RdfFormat.N_TRIPLES)]


class DerivedIndex(Protocol):
    """An index of the derived store. `schema` is its table layout's version: when the stored
    version differs at open, the store clears the index and rebuilds it from the RDF store."""

    name: str
    schema: int

    def create(self, db: sqlite3.Connection) -> None:
        """CREATE TABLE/INDEX IF NOT EXISTS for this index's tables."""

    def clear(self, db: sqlite3.Connection) -> None:
        """Delete every row of this index (a rebuild follows)."""

    def write(self, db: sqlite3.Connection, records: Sequence[Record]) -> None:
        """Insert or replace these records (a batch: use executemany)."""

    def delete(self, db: sqlite3.Connection, record_ids: Sequence[str]) -> None:
        """Forget these records (ids that are not there are ignored)."""

# Optional, for a rebuild's reader processes (service/derived/source.py) and an import's
# worker processes (service/derived/ahead.py):
# - `pure_write = True`: `write` only issues statements (nothing read back); a rebuild's
#   readers record them and the rebuilding process replays them;
# - `prepare(records) -> list` (one picklable item per record) with
#   `write_prepared(db, records, items)`: `prepare` reads only each record's id, IRI and
#   graph (text, triples, themes, keywords), never its bookkeeping (publisher, stamps, hash),
#   so it may run where a record is prepared, before the writer stamps it; items prepared
#   apart are written together; `write(db, records)` must equal
#   `write_prepared(db, records, prepare(records))`.
