"""The SCDL benchmark still runs end to end (tiny n; no timing is asserted)."""

from __future__ import annotations

import json

from bench import scdl as bench


def test_bench_scdl_smoke(tmp_path, capsys):
    out = tmp_path / "scdl.json"
    assert bench.main(["--n", "12", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["csv_import"]["per_cpu_s"] > 0
    assert "csv_over_rdf_import_per_cpu_s" in result["ratios"]
    assert "baseline_rdf_import" in capsys.readouterr().out
