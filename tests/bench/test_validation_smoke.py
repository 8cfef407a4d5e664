"""The fast-engine benchmark still runs end to end (tiny n; no timing is asserted)."""

from __future__ import annotations

import json

from bench import validation as bench


def test_bench_validation_smoke(tmp_path, capsys):
    out = tmp_path / "validation.json"
    assert bench.main(["--n", "5", "--reference-n", "2", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["records"] == 5 and result["reference_n"] == 2
    assert result["mismatching_records"] == 0
    assert result["triples_per_record"] > 30
    assert {"cpu_median_before_over_after", "cpu_median_pyshacl_over_after"} <= set(
        result["ratios"])
    assert "fast SHACL engine, 5 records" in capsys.readouterr().out
