"""The records benchmark still runs end to end (tiny n; no timing is asserted)."""

from __future__ import annotations

import json

import pytest

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


@pytest.mark.slow
def test_bench_records_scale_smoke(tmp_path, capsys):
    """bench/records_scale.py end to end on a tiny realistic store (cached under
    bench/results like the feed benchmark's)."""
    from bench import records_scale

    out = tmp_path / "scale.json"
    assert records_scale.main(["--n", "12", "--template", "4", "--writes", "2",
                               "--out", str(out)]) == 0
    [runs] = json.loads(out.read_text())["runs"].values()
    assert runs["12"]["writes"] == 2 and runs["12"]["refused"] == 0
    assert runs["12"]["post_p50_ms"] > 0
