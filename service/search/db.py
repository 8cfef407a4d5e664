"""The search index's SQLite tables: `SearchTable`, an index of the derived store
(service/derived/protocol.py: create, clear, write, delete, count, inside a transaction the
derived store opened).

Tables: `search_docs` (what a result shows, the sort keys), `search_text` (FTS5 over the
stems: title and body columns), `search_vals` (every facet value once, with its record count
kept current, so the unfiltered facet counts of the home and search pages cost one small read)
and `search_postings` (value × record).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

import pyoxigraph as ox

from service.search import text
from service.search.docs import FACETS, Doc, doc_of

SCHEMA_VERSION = "1"
SEP = "\x1f"  # between keywords in search_docs.keywords

_DDL = [
    """CREATE TABLE IF NOT EXISTS search_docs(n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
      iri TEXT NOT NULL, publisher TEXT NOT NULL, modified REAL NOT NULL, stamp TEXT NOT NULL,
      hash TEXT NOT NULL, title TEXT NOT NULL, title_key BLOB NOT NULL,
      description TEXT NOT NULL, keywords TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS search_docs_modified ON search_docs(modified, n)",
    "CREATE INDEX IF NOT EXISTS search_docs_title ON search_docs(title_key, n)",
    """CREATE TABLE IF NOT EXISTS search_vals(v INTEGER PRIMARY KEY, facet TEXT NOT NULL,
      value TEXT NOT NULL, count INTEGER NOT NULL DEFAULT 0, UNIQUE(facet, value))""",
    """CREATE TABLE IF NOT EXISTS search_postings(v INTEGER NOT NULL, n INTEGER NOT NULL,
      PRIMARY KEY(v, n)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS search_postings_doc ON search_postings(n, v)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5(title, body,
      tokenize = 'unicode61 remove_diacritics 2', prefix = '3')""",
]
_TABLES = ("search_docs", "search_vals", "search_postings", "search_text")


class SearchTable:
    """The search index's tables, written inside a transaction its holder opened."""

    name = "search"
    schema = int(SCHEMA_VERSION)

    def create(self, db: sqlite3.Connection) -> None:
        for statement in _DDL:
            db.execute(statement)

    def clear(self, db: sqlite3.Connection) -> None:
        for table in _TABLES:
            db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names

    def write(self, db: sqlite3.Connection, records: Sequence[Any]) -> None:
        """Records as written (id, iri, publisher, modified, content_hash and their graph as
        N-Triples `text`)."""
        # the reader's terms when it had them (derived/protocol.Record.triples): no re-parse
        self.write_docs(db, [doc_of(r, r.triples if getattr(r, "triples", None) is not None
                                    else ox.parse(r.text.encode("utf-8"),
                                                  format=ox.RdfFormat.N_TRIPLES))
                             for r in records])

    def write_docs(self, db: sqlite3.Connection, docs: Iterable[Doc],
                   count: bool = True) -> int:
        """Insert or replace; count=False for a rebuild, which counts once at the end."""
        value_ids: dict[tuple[str, str], int] = {}
        n = 0
        for doc in docs:
            remove(db, doc.id)
            add(db, doc, value_ids, count)
            n += 1
        if not count:
            db.execute("UPDATE search_vals SET count = "
                       "(SELECT COUNT(*) FROM search_postings p WHERE p.v = search_vals.v)")
        return n

    def delete(self, db: sqlite3.Connection, record_ids: Sequence[str]) -> None:
        for record_id in record_ids:
            remove(db, record_id)

    def snapshot(self, db: sqlite3.Connection) -> dict[str, list[tuple]]:
        """Canonical rows (record ids, not row numbers; counts of values in use): what a live
        index and one rebuilt from the store must share (DerivedStore.snapshot)."""
        return {
            "search_docs": sorted(db.execute(
                "SELECT id, iri, publisher, modified, stamp, hash, title, title_key, "
                "description, keywords FROM search_docs")),
            "search_text": sorted(db.execute(
                "SELECT d.id, t.title, t.body FROM search_text t "
                "JOIN search_docs d ON d.n = t.rowid")),
            "search_postings": sorted(db.execute(
                "SELECT d.id, vl.facet, vl.value FROM search_postings p "
                "JOIN search_docs d ON d.n = p.n JOIN search_vals vl ON vl.v = p.v")),
            "search_vals": sorted(db.execute(
                "SELECT facet, value, count FROM search_vals WHERE count > 0")),
        }

    def count(self, db: sqlite3.Connection) -> int:
        return int(db.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0])


def remove(con: sqlite3.Connection, record_id: str) -> bool:
    row = con.execute("SELECT n FROM search_docs WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        return False
    n = row[0]
    con.execute("UPDATE search_vals SET count = count - 1 WHERE v IN "
                "(SELECT v FROM search_postings WHERE n = ?)", (n,))
    con.execute("DELETE FROM search_postings WHERE n = ?", (n,))
    con.execute("DELETE FROM search_text WHERE rowid = ?", (n,))
    con.execute("DELETE FROM search_docs WHERE n = ?", (n,))
    return True


def add(con: sqlite3.Connection, doc: Doc, value_ids: dict[tuple[str, str], int],
        count: bool = True) -> None:
    """Insert one doc (its id must not be present). value_ids caches facet value ids within
    one transaction."""
    cur = con.execute(
        "INSERT INTO search_docs(id, iri, publisher, modified, stamp, hash, title, title_key, "
        "description, keywords) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (doc.id, doc.iri, doc.publisher, doc.modified.timestamp(), doc.modified.isoformat(),
         doc.hash, doc.title, text.title_key(doc.title or doc.id), doc.description,
         SEP.join(doc.keywords)))
    n = cur.lastrowid
    body = " ".join([doc.description, *doc.keywords])
    con.execute("INSERT INTO search_text(rowid, title, body) VALUES (?, ?, ?)",
                (n, text.stems(doc.title), text.stems(body)))
    for facet in FACETS:
        for value in doc.facets.get(facet, ()):
            v = value_ids.get((facet, value))
            if v is None:
                con.execute("INSERT OR IGNORE INTO search_vals(facet, value) VALUES (?, ?)",
                            (facet, value))
                v = con.execute("SELECT v FROM search_vals WHERE facet = ? AND value = ?",
                                (facet, value)).fetchone()[0]
                value_ids[(facet, value)] = v
            con.execute("INSERT INTO search_postings(v, n) VALUES (?, ?)", (v, n))
            if count:
                con.execute("UPDATE search_vals SET count = count + 1 WHERE v = ?", (v,))
