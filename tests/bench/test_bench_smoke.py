"""The records benchmark still runs end to end (tiny n; no timing is asserted)."""

from __future__ import annotations

import json

from bench import records as bench


def test_generated_records_are_distinct():
    bodies = bench.make_records(30)
    assert len(set(bodies)) == 30
    assert all("dcat:distribution" in b for b in bodies)


def test_bench_records_smoke(tmp_path, capsys):
    out = tmp_path / "records.json"
    assert bench.main(["--n", "5", "--warmup", "1", "--profile-n", "2",
                       "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    for where in ("inprocess", "http"):
        for op in ("post", "get_ttl", "get_jsonld", "put_unchanged", "put_changed"):
            assert result[where][op]["count"] == 5
    assert result["inprocess"]["validation_only"]["pyshacl"]["violations"] == 0
    assert "post_p50_over_pyshacl_only_p50" in result["ratios"]
    assert "POST /datasets" in capsys.readouterr().out
