"""The SPARQL benchmark still runs end to end (tiny n; no timing is asserted)."""

from __future__ import annotations

import json

import pytest

from bench import sparql as bench

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_bench_sparql_smoke(tmp_path, capsys):
    out = tmp_path / "sparql.json"
    assert bench.main(["--n", "200", "--store", str(tmp_path / "store"), "--repeats", "2",
                       "--warmup", "1", "--rdflib-n", "50", "--rdflib-repeats", "1",
                       "--clients", "2", "--duration", "1", "--runaway-timeout", "1",
                       "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert set(result["latency"]) == set(bench.queries())
    for q in result["latency"].values():
        assert q["rows"] > 0 and q["ratio_p50"] > 0
    assert result["throughput"]["ok"] > 0
    assert result["runaway"]["status"] == 504
    assert result["runaway"]["simple_query_status"] == 200
    assert set(result["rdflib"]["queries"]) == set(bench.queries())
    assert "runaway" in capsys.readouterr().out
