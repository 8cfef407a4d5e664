"""The search answer of main at commit 84534b1 (service/search/query.py before the facet value
combinations and the sort index walks): kept as the same-run baseline of bench/search.py and
the reference answers of tests/web/test_search_budget.py only."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from service.search import text
from service.search.db import SEP
from service.search.docs import FACETS, Doc
from service.search.query import Result

MATCH = "d.n IN (SELECT rowid FROM search_text WHERE search_text MATCH ?)"
# A facet filter, probed per candidate record on the postings' primary key. Not
# `rowid IN (SELECT …)` next to an FTS5 MATCH: SQLite then hands the rowids to FTS5, which
# evaluates the whole MATCH once per rowid (a filter matching most records took seconds).
FILTER = "EXISTS (SELECT 1 FROM search_postings WHERE v = ? AND n = {key})"
TITLE_WEIGHT = 4.0  # bm25 column weights: title, body


COLUMNS = "d.n, d.id, d.iri, d.publisher, d.stamp, d.title, d.description, d.keywords, d.hash"


def answer(con: sqlite3.Connection, terms: list[str], filters: dict[str, str], sort: str,
           offset: int, limit: int):
    conds: list[str] = []
    params: list = []
    vids: list[int] = []
    for facet, value in filters.items():
        row = con.execute("SELECT v FROM search_vals WHERE facet = ? AND value = ?",
                          (facet, value)).fetchone()
        if row is None:
            return Result(0, [], {f: [] for f in FACETS}, False, sort)
        conds.append(FILTER.format(key="d.n"))
        params.append(row[0])
        vids.append(row[0])
    fallback = False
    match = ""
    if terms:
        match = text.fts_query(terms)
        total = _count(con, _driver(match, vids))
        if total == 0 and len(terms) > 1:
            fallback = True
            match = text.fts_query(terms, every=False)
            total = _count(con, _driver(match, vids))
    else:
        total = _count(con, _driver(None, vids))
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
    return Result(total, _docs(con, rows), _facets(con, _driver(match or None, vids)),
                  fallback, sort)


Driver = tuple[str, str, str, list] | None  # FROM, WHERE, record number column, parameters


def _driver(match: str | None, vids: list[int]) -> Driver:
    """The matching records as a table SQLite walks first (FTS5 rowids, or the postings of the
    first filter), the other filters probed per row: measured 10-100x faster than the same
    condition as `IN (subquery)` on search_docs, which SQLite answers by scanning."""
    params: list[str | int]
    if match is not None:
        source, where, key, params = "search_text t", "search_text MATCH ?", "t.rowid", [match]
    elif vids:
        source, where, key, params = "search_postings f", "f.v = ?", "f.n", [vids[0]]
        vids = vids[1:]
    else:
        return None
    for v in vids:
        where += " AND " + FILTER.format(key=key)
        params.append(v)
    return source, where, key, params


def _count(con: sqlite3.Connection, driver: Driver) -> int:
    if driver is None:
        return con.execute("SELECT COUNT(*) FROM search_docs").fetchone()[0]
    source, where, _key, params = driver
    return con.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params).fetchone()[0]


def _facets(con: sqlite3.Connection, driver: Driver) -> dict[str, list[tuple[str, int]]]:
    if driver is None:  # every record: the counts kept in `search_vals`
        rows = con.execute(
            "SELECT facet, value, count FROM search_vals WHERE count > 0").fetchall()
    else:
        # Counted per value id, named afterwards: joining search_vals to every posting row
        # (one per match and facet value) before grouping cost twice as much.
        source, where, key, params = driver
        counts = con.execute(
            f"SELECT p.v, COUNT(*) FROM {source} "
            f"CROSS JOIN search_postings p ON p.n = {key} WHERE {where} GROUP BY p.v",
            params).fetchall()
        names = {v: (facet, value) for v, facet, value in con.execute(
            "SELECT v, facet, value FROM search_vals")}
        rows = [(*names[v], n) for v, n in counts if v in names]
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
