"""One search answer from the index's SQLite database: total, page, facet counts.

The matching records are an FTS5 match and facet filters. The total and the facet counts read
what the match costs least to read: FTS5 rowids for words; the facet value combinations
(`db.py`) alone for filters without words, whose record counts are kept current. The page of a
date or title sort walks that sort's index and keeps the matching records when they are many
(the first page is found after a few rows), and sorts the matches when they are few. The
relevance page is FTS5's BM25 over every match: its cost grows with the matches; its ties
are broken by date from the narrow `search_order` table.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from service.search import text
from service.search.db import SEP
from service.search.docs import FACETS, Doc

MATCH = "d.n IN (SELECT rowid FROM search_text WHERE search_text MATCH ?)"
# A facet filter, probed per candidate record on the postings' primary key. Not
# `rowid IN (SELECT …)` next to an FTS5 MATCH: SQLite then hands the rowids to FTS5, which
# evaluates the whole MATCH once per rowid (a filter matching most records took seconds).
FILTER = "EXISTS (SELECT 1 FROM search_postings WHERE v = ? AND n = {key})"
# The same filter on a combination of facet values (a small table, probed per row or combo).
COMBO_FILTER = "EXISTS (SELECT 1 FROM search_combo_vals WHERE c = {key} AND v = ?)"
TITLE_WEIGHT = 4.0  # bm25 column weights: title, body
# Walk the sort's index when at least one record in WALK matches: the walk reads at most
# every index entry, and stops after about (rows to skip and show) x records / matches of them
# when the matches are spread over the order; sorting reads every match's row (several times
# an index entry's cost). Titles cluster ("Subventions …"), so the bound, not the average,
# decides.
WALK = 5
SORT_INDEX = {"date": ("search_docs_modified", "d.modified DESC, d.n DESC"),
              "title": ("search_docs_title", "d.title_key, d.n")}
# Where the matches are sorted (not walked): the narrow table holding the sort key alone when
# there is one (db.py: a `search_docs` row carries the description).
SORT_TABLE = {"date": "search_order", "title": "search_docs"}


@dataclass(frozen=True)
class Result:
    total: int
    docs: list[Doc]
    facets: dict[str, list[tuple[str, int]]]  # facet -> (value, count), most frequent first
    fallback: bool = False  # no record has every word: records with some of them
    sort: str = "relevance"


COLUMNS = "d.n, d.id, d.iri, d.publisher, d.stamp, d.title, d.description, d.keywords, d.hash"


def answer(con: sqlite3.Connection, terms: list[str], filters: dict[str, str], sort: str,
           offset: int, limit: int) -> Result:
    vids: list[int] = []
    sizes: dict[int, int] = {}  # value id -> its records
    for facet, value in filters.items():
        row = con.execute("SELECT v, count FROM search_vals WHERE facet = ? AND value = ?",
                          (facet, value)).fetchone()
        if row is None:
            return Result(0, [], {f: [] for f in FACETS}, False, sort)
        vids.append(row[0])
        sizes[row[0]] = row[1]
    fallback = False
    match: str | None = None
    if terms:
        match = text.fts_query(terms)
        total, facets = _counts(con, match, vids)
        if total == 0 and len(terms) > 1:
            fallback = True
            match = text.fts_query(terms, every=False)
            total, facets = _counts(con, match, vids)
    else:
        total, facets = _counts(con, None, vids)
    if total == 0:
        page: list[int] = []
    elif terms and sort == "relevance":
        page = _ranked(con, match or "", terms if fallback else [], vids, offset, limit)
    else:
        page = _sorted(con, match, sizes, sort if sort == "title" else "date", total,
                       offset, limit)
    return Result(total, _docs(con, _rows(con, page)), facets, fallback, sort)


def _rows(con: sqlite3.Connection, page: list[int]) -> list:
    """The page's rows, in its order. Read after the order is settled: sorting carried every
    match's whole row (descriptions included) through the sorter, a third of the time."""
    if not page:
        return []
    marks = ",".join("?" * len(page))
    by_n = {r[0]: r for r in con.execute(
        f"SELECT {COLUMNS} FROM search_docs d WHERE d.n IN ({marks})", page)}
    return [by_n[n] for n in page]


def _filters(vids: list[int], key: str) -> tuple[str, list[int]]:
    return "".join(f" AND {FILTER.format(key=key)}" for _ in vids), list(vids)


def _ranked(con: sqlite3.Connection, match: str, fallback_terms: list[str], vids: list[int],
            offset: int, limit: int) -> list[int]:
    """BM25 (title words weigh more), then newest; in a fallback, the records with the most
    query words first."""
    hits = ""
    hit_params: list = []
    if fallback_terms:
        hits = " + ".join(f"({MATCH})" for _ in fallback_terms) + " DESC, "
        hit_params = [text.fts_term(t) for t in fallback_terms]
    where, params = _filters(vids, "d.n")
    sql = (f"SELECT d.n FROM search_text JOIN search_order d "
           f"ON d.n = search_text.rowid "
           f"WHERE search_text MATCH ?{where} "
           f"ORDER BY {hits}bm25(search_text, {TITLE_WEIGHT}, 1.0), d.modified DESC, d.n DESC "
           f"LIMIT ? OFFSET ?")
    return [n for (n,) in con.execute(sql, [match, *params, *hit_params, limit, offset])]


def _sorted(con: sqlite3.Connection, match: str | None, sizes: dict[int, int], sort: str,
            total: int, offset: int, limit: int) -> list[int]:
    """The page of a date or title sort; sizes: the filters' value ids and their records."""
    index, order = SORT_INDEX[sort]
    vids = list(sizes)
    conds: list[str] = [MATCH] if match is not None else []
    params: list = [match] if match is not None else []
    narrow = min(vids, key=sizes.__getitem__) if vids else None
    if total * WALK >= _records(con):
        source = f"search_docs d INDEXED BY {index}"
        rest = vids
    elif narrow is None or (match is not None and sizes[narrow] > WALK * total):
        source, rest = f"{SORT_TABLE[sort]} d", vids  # from the matches, then sorted
    else:  # from the postings of the filter value with the fewest records, then sorted
        source = f"search_postings f CROSS JOIN {SORT_TABLE[sort]} d ON d.n = f.n"
        rest = [v for v in vids if v != narrow]
        conds.append("f.v = ?")
        params.append(narrow)
    conds += [FILTER.format(key="d.n") for _ in rest]
    where = " AND ".join(conds) or "1"
    return [n for (n,) in con.execute(f"SELECT d.n FROM {source} WHERE {where} ORDER BY {order} "
                                      f"LIMIT ? OFFSET ?", [*params, *rest, limit, offset])]


def _counts(con: sqlite3.Connection, match: str | None,
            vids: list[int]) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    """The total and the facet counts, in one pass over the matches: grouped by combination
    of facet values, the groups' sizes add up to the total and, spread over each
    combination's values, to the facet counts."""
    if match is None and not vids:  # every record: the counts kept in `search_vals`
        return _records(con), _named(con.execute(
            "SELECT facet, value, count FROM search_vals WHERE count > 0").fetchall())
    if match is None:  # filters only: the combinations holding them, counts kept
        key = "co.c"
        groups = "SELECT co.c AS c, co.count AS k FROM search_combos co WHERE co.count > 0"
        params: list = []
    else:  # the matches grouped by combination
        key = "dc.c"
        groups = ("SELECT dc.c AS c, COUNT(*) AS k FROM search_text t "
                  "CROSS JOIN search_doc_combo dc ON dc.n = t.rowid "
                  "WHERE search_text MATCH ?")
        params = [match]
    groups += "".join(f" AND {COMBO_FILTER.format(key=key)}" for _ in vids)
    if match is not None:
        groups += " GROUP BY dc.c"
    rows = con.execute(
        f"WITH g AS MATERIALIZED ({groups}) "
        f"SELECT NULL, NULL, COALESCE(SUM(k), 0) FROM g UNION ALL "
        f"SELECT vl.facet, vl.value, x.s FROM (SELECT cv.v AS v, SUM(g.k) AS s "
        f"FROM g CROSS JOIN search_combo_vals cv ON cv.c = g.c "
        f"GROUP BY cv.v) x JOIN search_vals vl ON vl.v = x.v", [*params, *vids]).fetchall()
    total = next(n for facet, _, n in rows if facet is None)
    return total, _named([r for r in rows if r[0] is not None])


def _records(con: sqlite3.Connection) -> int:
    """Every record has one publisher."""
    return con.execute("SELECT COALESCE(SUM(count), 0) FROM search_vals "
                       "WHERE facet = 'publisher'").fetchone()[0]


def _named(rows: list) -> dict[str, list[tuple[str, int]]]:
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
