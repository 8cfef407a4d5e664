"""The SCDL benchmark still runs end to end (tiny n; no timing is asserted)."""

from __future__ import annotations

import json

from bench import scdl as bench


def test_bench_scdl_smoke(tmp_path, capsys):
    out = tmp_path / "scdl.json"
    assert bench.main(["--n", "12", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["csv_summary"] == {"created": 12, "updated": 0, "unchanged": 0, "failed": 0}
    assert result["rdf_summary"]["created"] == 12 and result["export_rows"] == 12
    assert "csv_import_over_rdf_import" in result["ratios"]
    assert "SCDL CSV import of 12 rows" in capsys.readouterr().out
