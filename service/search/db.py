"""The search index's SQLite file: schema, connections, and the writes of one Doc.

Tables: `docs` (what a result shows, the sort keys), `text` (FTS5 over the stems: title and
body columns), `vals` (every facet value once, with its record count kept current, so the
unfiltered facet counts of the home and search pages cost one small read) and `postings`
(value × record). `meta` holds the schema version and whether the last rebuild finished.
WAL mode: readers never wait for the writer, and several processes may share one file.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path

from service.search import text
from service.search.docs import FACETS, Doc

SCHEMA_VERSION = "1"
FILE_NAME = "search-index.sqlite3"
BUSY_MS = 60_000  # a rebuild in another process holds the write lock this long at most

_DDL = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS docs(
  n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, iri TEXT NOT NULL, publisher TEXT NOT NULL,
  modified REAL NOT NULL, stamp TEXT NOT NULL, hash TEXT NOT NULL, title TEXT NOT NULL,
  title_key BLOB NOT NULL, description TEXT NOT NULL, keywords TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS docs_modified ON docs(modified, n);
CREATE INDEX IF NOT EXISTS docs_title ON docs(title_key, n);
CREATE TABLE IF NOT EXISTS vals(v INTEGER PRIMARY KEY, facet TEXT NOT NULL, value TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 0, UNIQUE(facet, value));
CREATE TABLE IF NOT EXISTS postings(v INTEGER NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY(v, n)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postings_doc ON postings(n, v);
CREATE VIRTUAL TABLE IF NOT EXISTS text USING fts5(title, body,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '3');
"""
SEP = "\x1f"  # between keywords in docs.keywords


class Database:
    """One SQLite database, a connection per thread (sqlite3 connections are not shared)."""

    def __init__(self, directory: str | None) -> None:
        if directory:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.target = str(Path(directory) / FILE_NAME)
            self.uri = False
        else:  # in-memory store: an in-memory database shared by this process's threads
            self.target = f"file:socle-search-{uuid.uuid4().hex}?mode=memory&cache=shared"
            self.uri = True
        self._local = threading.local()
        self._keep = self.connect()  # keeps a shared in-memory database alive
        with self._keep:
            self._keep.executescript(_DDL)
            if self.get("schema") != SCHEMA_VERSION:
                self.clear(self._keep)

    def connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.target, uri=self.uri, timeout=BUSY_MS / 1000,
                              check_same_thread=False, isolation_level=None)
        if not self.uri:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
        con.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        return con

    @property
    def con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self.connect()
        return con

    def get(self, key: str, con: sqlite3.Connection | None = None) -> str | None:
        row = (con or self.con).execute("SELECT value FROM meta WHERE key = ?",
                                        (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def put(con: sqlite3.Connection, key: str, value: str) -> None:
        con.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def clear(self, con: sqlite3.Connection) -> None:
        for table in ("docs", "vals", "postings", "text", "meta"):
            con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        self.put(con, "schema", SCHEMA_VERSION)

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None
        self._keep.close()


def bump(con: sqlite3.Connection) -> None:
    """Every change moves `version`: answer caches of every process key on it."""
    con.execute("INSERT INTO meta(key, value) VALUES ('version', '1') ON CONFLICT(key) DO "
                "UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")


def remove(con: sqlite3.Connection, record_id: str) -> bool:
    row = con.execute("SELECT n FROM docs WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        return False
    n = row[0]
    con.execute("UPDATE vals SET count = count - 1 WHERE v IN "
                "(SELECT v FROM postings WHERE n = ?)", (n,))
    con.execute("DELETE FROM postings WHERE n = ?", (n,))
    con.execute("DELETE FROM text WHERE rowid = ?", (n,))
    con.execute("DELETE FROM docs WHERE n = ?", (n,))
    return True


def add(con: sqlite3.Connection, doc: Doc, value_ids: dict[tuple[str, str], int],
        count: bool = True) -> None:
    """Insert one doc (its id must not be present). value_ids caches facet value ids within
    one transaction; count=False for a rebuild, which counts once at the end (`recount`)."""
    cur = con.execute(
        "INSERT INTO docs(id, iri, publisher, modified, stamp, hash, title, title_key, "
        "description, keywords) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (doc.id, doc.iri, doc.publisher, doc.modified.timestamp(), doc.modified.isoformat(),
         doc.hash, doc.title, text.title_key(doc.title or doc.id), doc.description,
         SEP.join(doc.keywords)))
    n = cur.lastrowid
    body = " ".join([doc.description, *doc.keywords])
    con.execute("INSERT INTO text(rowid, title, body) VALUES (?, ?, ?)",
                (n, text.stems(doc.title), text.stems(body)))
    for facet in FACETS:
        for value in doc.facets.get(facet, ()):
            v = value_ids.get((facet, value))
            if v is None:
                con.execute("INSERT OR IGNORE INTO vals(facet, value) VALUES (?, ?)",
                            (facet, value))
                v = con.execute("SELECT v FROM vals WHERE facet = ? AND value = ?",
                                (facet, value)).fetchone()[0]
                value_ids[(facet, value)] = v
            con.execute("INSERT INTO postings(v, n) VALUES (?, ?)", (v, n))
            if count:
                con.execute("UPDATE vals SET count = count + 1 WHERE v = ?", (v,))


def recount(con: sqlite3.Connection) -> None:
    con.execute("UPDATE vals SET count = (SELECT COUNT(*) FROM postings p WHERE p.v = vals.v)")
