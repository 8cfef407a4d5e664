"""The harvest benchmark still runs end to end (tiny n; no timing is asserted)."""

from __future__ import annotations

import json

from bench import harvest as bench


def test_bench_harvest_smoke(tmp_path, capsys):
    out = tmp_path / "harvest.json"
    assert bench.main(["--n", "12", "--page-size", "5", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["first_harvest"]["counts"]["created"] == 12
    assert result["first_harvest"]["pages"] == 3
    assert result["reharvest_unchanged"]["counts"]["unchanged"] == 12
    changed = result["reharvest_1pct_changed"]["counts"]
    assert changed["updated"] >= 1 and changed["updated"] + changed["unchanged"] == 12
    assert "first_over_reharvest_unchanged" in result["ratios"]
    assert "reharvest_unchanged" in capsys.readouterr().out
