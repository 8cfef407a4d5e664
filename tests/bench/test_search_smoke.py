"""The search benchmark runs end to end at tiny n; the SQLite index finds at least what the
former in-memory one found (stems and prefixes of stems cover its prefixes of words)."""

from __future__ import annotations

import json

from bench import search as bench


def test_bench_search_smoke(tmp_path, capsys):
    out = tmp_path / "search.json"
    assert bench.main(["--n", "120", "--queries", "12", "--store", str(tmp_path / "store"),
                       "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    sqlite, memory = result["sqlite"], result["memory"]
    assert sqlite["docs"] == 120 and sqlite["uncached"]["count"] == 12
    assert sqlite["start"]["reconcile"] == "ok"
    for ours, former in zip(sqlite["totals"], memory["totals"], strict=True):
        assert ours >= former
    assert result["ratio_memory_over_sqlite"]["search_p50"] > 0
    assert "ratios memory / SQLite" in capsys.readouterr().out


def test_before_answer_from_a_git_ref_is_that_commit_s_code():
    answer = bench.answer_at("HEAD")
    assert answer.__module__ == "search_query_at_HEAD" and callable(answer)
