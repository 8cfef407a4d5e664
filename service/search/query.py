"""One search answer from the index's SQLite database: total, page, facet counts.

The matching records are a condition on `search_docs.n` (FTS5 match, facet postings), so the page,
the total and the facet counts are three statements over the same condition; SQLite builds
each `IN (subquery)` once per statement.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from service.search import text
from service.search.db import SEP
from service.search.docs import FACETS, Doc

MATCH = "d.n IN (SELECT rowid FROM search_text WHERE search_text MATCH ?)"
COLUMNS = "d.n, d.id, d.iri, d.publisher, d.stamp, d.title, d.description, d.keywords, d.hash"


def answer(con: sqlite3.Connection, terms: list[str], filters: dict[str, str], sort: str,
           offset: int, limit: int):
    from service.search.index import TITLE_WEIGHT, Result

    conds: list[str] = []
    params: list = []
    for facet, value in filters.items():
        row = con.execute("SELECT v FROM search_vals WHERE facet = ? AND value = ?",
                          (facet, value)).fetchone()
        if row is None:
            return Result(0, [], {f: [] for f in FACETS}, False, sort)
        conds.append("d.n IN (SELECT n FROM search_postings WHERE v = ?)")
        params.append(row[0])
    fallback = False
    match = ""
    if terms:
        match = text.fts_query(terms)
        total = _count(con, conds + [MATCH], params + [match])
        if total == 0 and len(terms) > 1:
            fallback = True
            match = text.fts_query(terms, every=False)
            total = _count(con, conds + [MATCH], params + [match])
    else:
        total = _count(con, conds, params)
    if terms:
        all_conds = conds + [MATCH]
        all_params = params + [match]
    else:
        all_conds, all_params = conds, params
    where = " AND ".join(all_conds) or "1"
    if terms and sort == "relevance":
        hits = ""
        hit_params: list = []
        if fallback:  # the records with the most query words first
            hits = " + ".join(f"({MATCH})" for _ in terms) + " DESC, "
            hit_params = [text.fts_term(t) for t in terms]
        filters_sql = "".join(f" AND {c}" for c in conds)
        sql = (f"SELECT {COLUMNS} FROM search_text JOIN search_docs d "
               f"ON d.n = search_text.rowid "
               f"WHERE search_text MATCH ?{filters_sql} "
               f"ORDER BY {hits}bm25(search_text, {TITLE_WEIGHT}, 1.0), d.modified DESC, d.n DESC "
               f"LIMIT ? OFFSET ?")
        rows = con.execute(sql, [match, *params, *hit_params, limit, offset]).fetchall()
    else:
        order = ("d.title_key, d.n" if sort == "title" else "d.modified DESC, d.n DESC")
        rows = con.execute(
            f"SELECT {COLUMNS} FROM search_docs d WHERE {where} ORDER BY {order} "
            f"LIMIT ? OFFSET ?",
            [*all_params, limit, offset]).fetchall()
    return Result(total, _docs(con, rows), _facets(con, all_conds, all_params), fallback, sort)


def _count(con: sqlite3.Connection, conds: list[str], params: list) -> int:
    where = " AND ".join(conds) or "1"
    return con.execute(f"SELECT COUNT(*) FROM search_docs d WHERE {where}",
                       params).fetchone()[0]


def _facets(con: sqlite3.Connection, conds: list[str],
            params: list) -> dict[str, list[tuple[str, int]]]:
    if not conds:  # every record: the counts kept in `search_vals`
        rows = con.execute(
            "SELECT facet, value, count FROM search_vals WHERE count > 0").fetchall()
    else:
        where = " AND ".join(conds)
        rows = con.execute(
            f"SELECT vl.facet, vl.value, COUNT(*) FROM search_postings p "
            f"JOIN search_vals vl ON vl.v = p.v "
            f"WHERE p.n IN (SELECT d.n FROM search_docs d WHERE {where}) GROUP BY p.v",
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
            f"SELECT p.n, vl.facet, vl.value FROM search_postings p "
            f"JOIN search_vals vl ON vl.v = p.v "
            f"WHERE p.n IN ({marks})", [r[0] for r in rows]):
        facets[n].setdefault(facet, set()).add(value)
    return [Doc(rid, iri, pub, datetime.fromisoformat(stamp), title, description,
                tuple(k for k in keywords.split(SEP) if k),
                {f: frozenset(v) for f, v in facets[n].items()}, h)
            for n, rid, iri, pub, stamp, title, description, keywords, h in rows]
