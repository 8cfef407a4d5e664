"""The search's time budget (service/search/budget.py), deterministically: a budget of 0 ms
looked at every SQLite instruction stops the first statement, whatever the machine's speed;
no assertion on a duration."""

from __future__ import annotations

import sqlite3

import pytest

from service.search import budget
from service.search.budget import SearchTooLong

JSON = {"Accept": "application/json"}




@pytest.fixture
def spent(demo_app):
    """The demo's index with a budget already spent; restored afterwards."""
    index = demo_app.extensions["socle"].search
    saved = index.budget_ms, index.progress_steps
    index.budget_ms, index.progress_steps = 0, 1
    index.invalidate()
    yield index
    index.budget_ms, index.progress_steps = saved
    index.invalidate()


def test_a_spent_budget_stops_every_shape(spent):
    for query, filters, sort in [("budget", {}, "relevance"), ("", {}, "date"),
                                 ("budget primitif licorne", {}, "relevance"),  # fallback
                                 ("délibérations", {"theme": "x"}, "title")]:
        with pytest.raises(SearchTooLong) as stopped:
            spent.search(query, filters, sort=sort)
        assert stopped.value.status == 503 and stopped.value.extra["budget_ms"] == 0
        assert "Précisez-la" in stopped.value.detail_fr and "Narrow it" in stopped.value.detail_en


def test_the_connection_is_left_without_handler_and_nothing_cached(spent):
    with pytest.raises(SearchTooLong):
        spent.search("budget")
    spent.budget_ms = None  # no budget: the same search answers (not a cached failure)
    assert spent.search("budget").total >= 3
    with spent.derived.reading() as con:  # and the shared connection runs unbounded reads
        assert con.execute("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
                           "WHERE i < 100000) SELECT COUNT(*) FROM c").fetchone()[0] == 100000


def test_a_budget_not_spent_changes_nothing(demo_app):
    index = demo_app.extensions["socle"].search
    index.invalidate()
    unbounded = index.search("budget primitif licorne")
    saved = index.budget_ms
    index.budget_ms = 10**9
    index.invalidate()
    try:
        assert index.search("budget primitif licorne") == unbounded
    finally:
        index.budget_ms = saved


def test_over_http_a_problem_for_api_clients_and_a_french_page(demo_app, spent):
    client = demo_app.test_client()
    r = client.get("/search?q=budget", headers=JSON)
    assert r.status_code == 503 and r.mimetype == "application/problem+json"
    problem = r.get_json()
    assert problem["type"].endswith("/search-too-long") and problem["budget_ms"] == 0
    html = client.get("/search?q=budget", headers={"Accept": "text/html"})
    assert html.status_code == 503 and html.mimetype == "text/html"
    page = html.get_data(as_text=True)
    assert "Précisez-la" in page and "Narrow it" not in page
    english = client.get("/search?q=budget&lang=en", headers={"Accept": "text/html"})
    text = english.get_data(as_text=True)
    assert "Narrow it" in text and "Précisez" not in text


def test_the_operator_sets_the_budget(monkeypatch):
    monkeypatch.delenv(budget.ENV, raising=False)
    assert budget.configured_ms() == budget.DEFAULT_MS
    monkeypatch.setenv(budget.ENV, "250")
    assert budget.configured_ms() == 250
    monkeypatch.setenv(budget.ENV, "0")
    assert budget.configured_ms() is None


def test_other_sqlite_errors_pass_through():
    con = sqlite3.connect(":memory:")
    with (pytest.raises(sqlite3.OperationalError, match="no such table"),
          budget.budget(con, 1000)):
        con.execute("SELECT * FROM nowhere")


def test_same_answers_as_the_former_statements(demo_app):
    """The answers under a budget not spent are exactly those of the former statements
    (bench/search_query_before.py: main at 84534b1, the benchmark's baseline)."""
    from bench import search_query_before
    from service.search import query, text

    index = demo_app.extensions["socle"].search
    values = index.search("").facets
    theme, publisher = values["theme"][0][0], values["publisher"][0][0]
    cases = [("budget", {}), ("délibérations", {"theme": theme}),
             ("budget primitif licorne", {"publisher": publisher}), ("", {"theme": theme}),
             ("conseil", {"theme": theme, "publisher": publisher}), ("zzzz", {})]
    with index.derived.reading() as con:
        for words, filters in cases:
            for sort in ("relevance", "date", "title"):
                args = (con, text.query_terms(words), filters, sort, 0, 5)
                assert query.answer(*args) == search_query_before.answer(*args), (words, filters)
