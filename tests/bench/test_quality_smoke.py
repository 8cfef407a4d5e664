"""bench/quality.py at toy size (the 10,000-record run: docs/benchmarks.md, "Quality")."""

from __future__ import annotations

import json

from bench import quality as bench


def test_bench_quality_smoke(tmp_path, capsys):
    out = tmp_path / "quality.json"
    bench.main(["--n", "12", "--pool", "4", "--validate-n", "3", "--links", "20",
                "--out", str(out)])
    capsys.readouterr()
    result = json.loads(out.read_text())
    assert result["first_scoring"]["scored"] == result["first_scoring"]["changed"] == 12
    assert result["rescore_unchanged"]["changed"] == 0
    assert result["rescore_all_changed"]["changed"] == 12  # every URL now answers
    links = result["links"]
    assert links["ok"] == 20 and links["max_concurrent_seen_by_server"] <= 4
