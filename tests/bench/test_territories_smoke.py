"""The territories benchmark still runs end to end (n = 1; no timing is asserted)."""

from __future__ import annotations

import json

from bench import territories as bench


def test_bench_territories_smoke(tmp_path, capsys):
    out = tmp_path / "territories.json"
    assert bench.main(["--n", "1", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["rows"] > 38000
    assert "csv_baseline_over_registry" in result["ratios"]
    assert "registry load" in capsys.readouterr().out
