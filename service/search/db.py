"""The search index's SQLite tables: `SearchTable`, an index of the derived store
(service/derived/protocol.py: create, clear, write, delete, count, inside a transaction the
derived store opened).

Tables: `search_docs` (what a result shows, the sort keys), `search_text` (FTS5 over the
stems: title and body columns), `search_vals` (every facet value once, with its record count
kept current, so the unfiltered facet counts of the home and search pages cost one small read)
`search_postings` (value × record), and the facet value combinations: `search_combos` (each
distinct set of facet values once, with its record count kept current), `search_combo_vals`
(combination × value) and `search_doc_combo` (record -> combination); `search_order`: each
record's date sort key alone (record -> dct:modified).

Why combinations: counting the facets of a search joined every matching record to its ~8
postings and grouped them (most of a search's time on common words); records of one catalogue
share their facet values (publisher, territory, licence, formats), so grouping the matches by
combination reads one narrow row per match and names the values of a few hundred groups.

Why `search_order`: a relevance page breaks BM25 ties by date for every match, and a date page
of few matches sorts them all; read from `search_docs`, whose rows carry the descriptions,
that was a wide row per match (docs/benchmarks.md, "Web search index").
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from service.search import text
from service.search.docs import FACETS, Doc, content_doc, with_bookkeeping

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
    """CREATE TABLE IF NOT EXISTS search_combos(c INTEGER PRIMARY KEY, sig TEXT NOT NULL UNIQUE,
      count INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS search_combo_vals(c INTEGER NOT NULL, v INTEGER NOT NULL,
      PRIMARY KEY(c, v)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS search_combo_vals_v ON search_combo_vals(v, c)",
    "CREATE TABLE IF NOT EXISTS search_doc_combo(n INTEGER PRIMARY KEY, c INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS search_order(n INTEGER PRIMARY KEY, modified REAL NOT NULL)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5(title, body,
      tokenize = 'unicode61 remove_diacritics 2', prefix = '3')""",
]
_TABLES = ("search_docs", "search_vals", "search_postings", "search_text", "search_combos",
           "search_combo_vals", "search_doc_combo", "search_order")


class SearchTable:
    """The search index's tables, written inside a transaction its holder opened."""

    name = "search"
    schema = int(SCHEMA_VERSION)

    def create(self, db: sqlite3.Connection) -> None:
        for statement in _DDL:
            db.execute(statement)
        fill_combos(db)
        fill_order(db)

    def clear(self, db: sqlite3.Connection) -> None:
        for table in _TABLES:
            db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names

    def prepare(self, records: Sequence[Any]) -> list[Prepared]:
        """What the rows of these records need from their id, IRI and graph alone (no read,
        no bookkeeping): made where the records' terms already are (a rebuild's reader
        processes, an import's workers: service/derived/protocol.py), written here with
        their bookkeeping (`write_prepared`)."""
        # derived/protocol.Record.terms: the reader's terms when it had them, no re-parse
        return [prepare_doc(content_doc(r.iri, r.id, r.terms())) for r in records]

    def write(self, db: sqlite3.Connection, records: Sequence[Any]) -> None:
        """Records as written (id, iri, publisher, modified, content_hash and their graph as
        N-Triples `text`)."""
        self.write_prepared(db, records, self.prepare(records))

    def write_prepared(self, db: sqlite3.Connection, records: Sequence[Any],
                       prepared: Sequence[Prepared]) -> None:
        self.write_docs(db, (p._replace(doc=with_bookkeeping(p.doc, r))
                             for r, p in zip(records, prepared, strict=True)))

    def write_docs(self, db: sqlite3.Connection, docs: Iterable[Prepared],
                   count: bool = True) -> int:
        """Insert or replace; count=False for a rebuild, which counts once at the end."""
        value_ids: dict[tuple[str, str], int] = {}
        n = 0
        for item in docs:
            remove(db, item.doc.id)
            add(db, item, value_ids, count)
            n += 1
        if not count:
            db.execute("UPDATE search_vals SET count = "
                       "(SELECT COUNT(*) FROM search_postings p WHERE p.v = search_vals.v)")
            recount_combos(db)
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
            "search_order": sorted(db.execute(
                "SELECT d.id, o.modified FROM search_order o JOIN search_docs d ON d.n = o.n")),
            **_combo_snapshot(db),
        }

    def count(self, db: sqlite3.Connection) -> int:
        return int(db.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0])


def _combo_snapshot(db: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Each record's combination and each combination in use, by value names (ids differ
    between a live index and a rebuilt one)."""
    names = {v: f"{facet}={value}" for v, facet, value in db.execute(
        "SELECT v, facet, value FROM search_vals")}
    combos: dict[int, tuple[str, ...]] = {}
    for c, v in db.execute("SELECT c, v FROM search_combo_vals"):
        combos[c] = (*combos.get(c, ()), names[v])
    combos = {c: tuple(sorted(vals)) for c, vals in combos.items()}
    return {
        "search_doc_combo": sorted((rid, combos.get(c, ())) for rid, c in db.execute(
            "SELECT d.id, dc.c FROM search_doc_combo dc JOIN search_docs d ON d.n = dc.n")),
        "search_combos": sorted((combos.get(c, ()), k) for c, k in db.execute(
            "SELECT c, count FROM search_combos WHERE count > 0")),
    }


def remove(con: sqlite3.Connection, record_id: str) -> bool:
    row = con.execute("SELECT n FROM search_docs WHERE id = ?", (record_id,)).fetchone()
    if row is None:
        return False
    n = row[0]
    con.execute("UPDATE search_vals SET count = count - 1 WHERE v IN "
                "(SELECT v FROM search_postings WHERE n = ?)", (n,))
    con.execute("UPDATE search_combos SET count = count - 1 WHERE c = "
                "(SELECT c FROM search_doc_combo WHERE n = ?)", (n,))
    con.execute("DELETE FROM search_doc_combo WHERE n = ?", (n,))
    con.execute("DELETE FROM search_order WHERE n = ?", (n,))
    con.execute("DELETE FROM search_postings WHERE n = ?", (n,))
    con.execute("DELETE FROM search_text WHERE rowid = ?", (n,))
    con.execute("DELETE FROM search_docs WHERE n = ?", (n,))
    return True


class Prepared(NamedTuple):
    """A record's Doc and the texts its rows hold, computed from it alone (`prepare_doc`)."""

    doc: Doc
    title_key: bytes  # the title's collation key (text.title_key)
    title: str  # FTS5 columns: the stems of the title,
    body: str  # and of the description and keywords


def prepare_doc(doc: Doc) -> Prepared:
    return Prepared(doc, text.title_key(doc.title or doc.id), text.stems(doc.title),
                    text.stems(" ".join([doc.description, *doc.keywords])))


def add(con: sqlite3.Connection, item: Prepared, value_ids: dict[tuple[str, str], int],
        count: bool = True) -> None:
    """Insert one doc (its id must not be present). value_ids caches facet value ids within
    one transaction (and combination ids, under the facet name "")."""
    doc = item.doc
    cur = con.execute(
        "INSERT INTO search_docs(id, iri, publisher, modified, stamp, hash, title, title_key, "
        "description, keywords) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (doc.id, doc.iri, doc.publisher, doc.modified.timestamp(), doc.modified.isoformat(),
         doc.hash, doc.title, item.title_key, doc.description,
         SEP.join(doc.keywords)))
    n = cur.lastrowid
    con.execute("INSERT OR REPLACE INTO search_order(n, modified) VALUES (?, ?)",
                (n, doc.modified.timestamp()))
    vids: set[int] = set()
    con.execute("INSERT INTO search_text(rowid, title, body) VALUES (?, ?, ?)",
                (n, item.title, item.body))
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
            vids.add(v)
            if count:
                con.execute("UPDATE search_vals SET count = count + 1 WHERE v = ?", (v,))
    sig = ",".join(map(str, sorted(vids)))
    c = value_ids.get(("", sig))
    if c is None:
        c = combo_id(con, sig, vids)
        value_ids[("", sig)] = c
    con.execute("INSERT INTO search_doc_combo(n, c) VALUES (?, ?)", (n, c))
    if count:
        con.execute("UPDATE search_combos SET count = count + 1 WHERE c = ?", (c,))


def combo_id(con: sqlite3.Connection, sig: str, vids: Iterable[int]) -> int:
    """The id of a combination of value ids (`sig`: the sorted ids, comma-separated), made
    when new."""
    row = con.execute("SELECT c FROM search_combos WHERE sig = ?", (sig,)).fetchone()
    if row is not None:
        return int(row[0])
    c = con.execute("INSERT INTO search_combos(sig) VALUES (?) RETURNING c", (sig,)).fetchone()[0]
    con.executemany("INSERT INTO search_combo_vals(c, v) VALUES (?, ?)",
                    [(c, v) for v in vids])
    return int(c)


def recount_combos(con: sqlite3.Connection) -> None:
    counts = dict(con.execute("SELECT c, COUNT(*) FROM search_doc_combo GROUP BY c"))
    con.executemany("UPDATE search_combos SET count = ? WHERE c = ?",
                    [(counts.get(c, 0), c) for (c,) in
                     con.execute("SELECT c FROM search_combos").fetchall()])


def fill_combos(con: sqlite3.Connection) -> None:
    """A search index written before the combinations existed gets them from its postings
    (seconds at 100,000 records, where re-reading every record graph takes minutes)."""
    if (con.execute("SELECT 1 FROM search_doc_combo LIMIT 1").fetchone() is not None
            or con.execute("SELECT 1 FROM search_docs LIMIT 1").fetchone() is None):
        return
    ids: dict[str, int] = {}
    rows = con.execute("SELECT n, group_concat(v) FROM (SELECT n, v FROM search_postings "
                       "ORDER BY n, v) GROUP BY n").fetchall()
    for n, joined in rows:
        vids = sorted(int(v) for v in joined.split(","))
        sig = ",".join(map(str, vids))
        c = ids.get(sig)
        if c is None:
            c = ids[sig] = combo_id(con, sig, vids)
        con.execute("INSERT INTO search_doc_combo(n, c) VALUES (?, ?)", (n, c))
    if con.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0] > len(rows):
        con.execute("INSERT INTO search_doc_combo(n, c) SELECT d.n, ? FROM search_docs d "
                    "WHERE NOT EXISTS (SELECT 1 FROM search_doc_combo x WHERE x.n = d.n)",
                    (combo_id(con, "", []),))
    recount_combos(con)


def fill_order(con: sqlite3.Connection) -> None:
    """A search index written before `search_order` existed (or by such a version since: the
    counts differ) gets it from `search_docs`."""
    count = "SELECT COUNT(*) FROM {}"
    if (con.execute(count.format("search_order")).fetchone()[0]
            != con.execute(count.format("search_docs")).fetchone()[0]):
        con.execute("DELETE FROM search_order")
        con.execute("INSERT INTO search_order(n, modified) SELECT n, modified FROM search_docs")
