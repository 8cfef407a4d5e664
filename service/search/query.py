"""One search answer from the index's SQLite database: total, page, facet counts.

The matching records are a condition on `docs.n` (FTS5 match, facet postings), so the page,
the total and the facet counts are three statements over the same condition; SQLite builds
each `IN (subquery)` once per statement.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from service.search import text
from service.search.db import SEP
from service.search.docs import FACETS, Doc


def answer(con: sqlite3.Connection, terms: list[str], filters: dict[str, str], sort: str,
           offset: int, limit: int):
    from service.search.index import TITLE_WEIGHT, Result

    conds: list[str] = []
    params: list = []
    for facet, value in filters.items():
        row = con.execute("SELECT v FROM vals WHERE facet = ? AND value = ?",
                          (facet, value)).fetchone()
        if row is None:
            return Result(0, [], {f: [] for f in FACETS}, False, sort)
        conds.append("d.n IN (SELECT n FROM postings WHERE v = ?)")
        params.append(row[0])
    fallback = False
    match = ""
    if terms:
        match = text.fts_query(terms)
        total = _count(con, conds + ["d.n IN (SELECT rowid FROM text WHERE text MATCH ?)"],
                       params + [match])
        if total == 0 and len(terms) > 1:
            fallback = True
            match = text.fts_query(terms, every=False)
            total = _count(con, conds + ["d.n IN (SELECT rowid FROM text WHERE text MATCH ?)"],
                           params + [match])
    else:
        total = _count(con, conds, params)
    if terms:
        all_conds = conds + ["d.n IN (SELECT rowid FROM text WHERE text MATCH ?)"]
        all_params = params + [match]
    else:
        all_conds, all_params = conds, params
    where = " AND ".join(all_conds) or "1"
    if terms and sort == "relevance":
        hits = ""
        hit_params: list = []
        if fallback:  # the records with the most query words first
            hits = " + ".join(
                "(d.n IN (SELECT rowid FROM text WHERE text MATCH ?))" for _ in terms) + " DESC, "
            hit_params = [text.fts_term(t) for t in terms]
        filters_sql = "".join(f" AND {c}" for c in conds)
        sql = (f"SELECT d.n, d.id, d.iri, d.publisher, d.stamp, d.title, d.description, "
               f"d.keywords, d.hash FROM text JOIN docs d ON d.n = text.rowid "
               f"WHERE text MATCH ?{filters_sql} "
               f"ORDER BY {hits}bm25(text, {TITLE_WEIGHT}, 1.0), d.modified DESC, d.n DESC "
               f"LIMIT ? OFFSET ?")
        rows = con.execute(sql, [match, *params, *hit_params, limit, offset]).fetchall()
    else:
        order = ("d.title_key, d.n" if sort == "title" else "d.modified DESC, d.n DESC")
        rows = con.execute(
            f"SELECT d.n, d.id, d.iri, d.publisher, d.stamp, d.title, d.description, "
            f"d.keywords, d.hash FROM docs d WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*all_params, limit, offset]).fetchall()
    return Result(total, _docs(con, rows), _facets(con, all_conds, all_params), fallback, sort)


def _count(con: sqlite3.Connection, conds: list[str], params: list) -> int:
    where = " AND ".join(conds) or "1"
    return con.execute(f"SELECT COUNT(*) FROM docs d WHERE {where}", params).fetchone()[0]


def _facets(con: sqlite3.Connection, conds: list[str],
            params: list) -> dict[str, list[tuple[str, int]]]:
    if not conds:  # every record: the counts kept in `vals`
        rows = con.execute("SELECT facet, value, count FROM vals WHERE count > 0").fetchall()
    else:
        where = " AND ".join(conds)
        rows = con.execute(
            f"SELECT vl.facet, vl.value, COUNT(*) FROM postings p JOIN vals vl ON vl.v = p.v "
            f"WHERE p.n IN (SELECT d.n FROM docs d WHERE {where}) GROUP BY p.v",
            params).fetchall()
    out: dict[str, list[tuple[str, int]]] = {f: [] for f in FACETS}
    for facet, value, n in rows:
        out.setdefault(facet, []).append((value, n))
    for pairs in out.values():
        pairs.sort(key=lambda p: (-p[1], p[0]))
    return out


def _docs(con: sqlite3.Connection, rows: list) -> list[Doc]:
    if not rows:
        return []
    facets: dict[int, dict[str, set[str]]] = {r[0]: {} for r in rows}
    marks = ",".join("?" * len(rows))
    for n, facet, value in con.execute(
            f"SELECT p.n, vl.facet, vl.value FROM postings p JOIN vals vl ON vl.v = p.v "
            f"WHERE p.n IN ({marks})", [r[0] for r in rows]):
        facets[n].setdefault(facet, set()).add(value)
    return [Doc(rid, iri, pub, datetime.fromisoformat(stamp), title, description,
                tuple(k for k in keywords.split(SEP) if k),
                {f: frozenset(v) for f, v in facets[n].items()}, h)
            for n, rid, iri, pub, stamp, title, description, keywords, h in rows]
