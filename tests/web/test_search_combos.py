"""The facet value combinations of the search index (service/search/db.py) and the answers
read from them (service/search/query.py): kept current by every write, equal to a rebuild,
filled from the postings of an index written before they existed, and giving exactly the
answers of the former statements (bench/search_query_before.py, main at 84534b1) on every
path: the sort index walked or the matches sorted, words or filters alone, pages past the
first."""

from __future__ import annotations

from bench import search_query_before
from service.derived.registry import rebuilt_snapshot
from service.search import query, text
from service.search.db import SearchTable

COMBO_TABLES = ("search_doc_combo", "search_combos")




def _cases(index) -> list[tuple[str, dict[str, str]]]:
    facets = index.search("").facets
    common = {f: pairs[0][0] for f, pairs in facets.items() if pairs}
    rare = {f: pairs[-1][0] for f, pairs in facets.items() if pairs}
    cases: list[tuple[str, dict[str, str]]] = [("", {}), ("budget", {}), ("zzzz", {}),
                                               ("budget primitif licorne", {})]
    for facet in common:
        cases += [("", {facet: common[facet]}), ("", {facet: rare[facet]}),
                  ("données", {facet: common[facet]}), ("conseil", {facet: rare[facet]})]
    cases += [("", {"publisher": common["publisher"], "theme": rare.get("theme", "x")}),
              ("délibérations", {"publisher": common["publisher"], "theme": common["theme"]}),
              ("", {"theme": "https://nowhere.example/unknown"})]
    return cases


def test_same_answers_as_main_on_every_path(demo_app):
    index = demo_app.extensions["socle"].search
    statements: list[str] = []
    cases = _cases(index)
    with index.derived.reading() as con:
        con.set_trace_callback(statements.append)
        try:
            for words, filters in cases:
                for sort in ("relevance", "date", "title"):
                    for offset, limit in ((0, 20), (0, 3), (4, 5), (1000, 20)):
                        args = (con, text.query_terms(words), filters, sort, offset, limit)
                        assert query.answer(*args) == search_query_before.answer(*args), (
                            words, filters, sort, offset)
        finally:
            con.set_trace_callback(None)
    ours = [s for s in statements if "search_combo" in s or "INDEXED BY" in s]
    # both page paths and both facet paths ran
    assert any("INDEXED BY search_docs_modified" in s for s in ours)
    assert any("INDEXED BY search_docs_title" in s for s in ours)
    assert any("ORDER BY d.modified DESC" in s and "INDEXED BY" not in s
               and "search_text" not in s.split("ORDER BY")[0].split("WHERE")[0]
               for s in statements)
    assert any("FROM search_docs d WHERE d.n IN (SELECT rowid FROM search_text" in s
               for s in statements)
    assert any("ON d.n = f.n WHERE d.n IN (SELECT rowid FROM search_text" in s
               for s in statements)  # words and a rare filter: from the filter's postings
    # the date sort of few matches and the relevance ties read the narrow date table
    assert any("FROM search_order d WHERE d.n IN (SELECT rowid FROM search_text" in s
               for s in statements)
    assert any("JOIN search_order d ON d.n = search_text.rowid" in s and "bm25" in s
               for s in statements)
    assert any("FROM search_combos co" in s for s in ours)
    assert any("CROSS JOIN search_doc_combo dc" in s for s in ours)


def test_counts_follow_writes_and_equal_a_rebuild(app, svc, publisher, valid_ttl):
    from tests.web.test_search_index import _create

    created = [_create(svc, "montfort", valid_ttl, i, title)
               for i, title in enumerate(["Budget primitif", "Budget annexe", "Subventions"])]
    svc.records.delete("montfort", created[1].id)
    live, fresh = svc.derived.snapshot(), rebuilt_snapshot(svc.store)
    for table in COMBO_TABLES:
        assert live[table] == fresh[table], table
    # one record per combination row in use, and the counts add up to the records
    assert sum(k for _, k in live["search_combos"]) == len(live["search_doc_combo"]) == len(
        svc.search)


def test_an_index_without_combinations_or_date_table_gets_them_from_its_rows(demo_app):
    derived = demo_app.extensions["socle"].derived
    before = derived.snapshot()
    index = demo_app.extensions["socle"].search
    answers = [index.search(w, f, sort="date") for w, f in _cases(index)]
    with derived.transaction() as db:  # as written by the code before the combinations
        for table in ("search_combos", "search_combo_vals", "search_doc_combo", "search_order"):
            db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
    with derived.transaction() as db:
        SearchTable().create(db)  # what registering the index at start runs
    assert derived.snapshot() == before
    index.invalidate()
    assert [index.search(w, f, sort="date") for w, f in _cases(index)] == answers


def test_a_date_table_left_behind_by_an_older_version_is_made_again(demo_app):
    """A version without `search_order` wrote since (a record added and one deleted): the
    counts differ at start and the table is made again from `search_docs`."""
    derived = demo_app.extensions["socle"].derived
    before = derived.snapshot()
    with derived.transaction() as db:
        db.execute("DELETE FROM search_order WHERE n = (SELECT MIN(n) FROM search_order)")
        db.execute("INSERT INTO search_order(n, modified) VALUES (1000000, 0)")  # stale
        db.execute("DELETE FROM search_order WHERE n = (SELECT MAX(n) FROM search_docs)")
    with derived.transaction() as db:
        SearchTable().create(db)
    assert derived.snapshot() == before
