"""The search benchmark runs end to end at tiny n; the index and SPARQL agree on totals."""

from __future__ import annotations

import json

from bench import search as bench


def test_bench_search_smoke(tmp_path, capsys):
    out = tmp_path / "search.json"
    assert bench.main(["--n", "120", "--queries", "8", "--baseline-queries", "4",
                       "--store", str(tmp_path / "store"), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["index"]["docs"] == 120
    assert result["index"]["uncached"]["count"] == 8
    assert result["ratio_sparql_over_index_p50"] > 0
    # ASCII words without accents: SPARQL and the index find the same records.
    for check in result["baseline"]["totals"]:
        assert check["sparql_total"] == check["index_total"], check
    assert "ratio SPARQL / index" in capsys.readouterr().out
