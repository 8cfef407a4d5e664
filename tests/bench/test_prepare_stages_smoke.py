"""The import-worker stages benchmark still runs end to end on a tiny catalogue (no figure is
asserted)."""

from __future__ import annotations

import json

from bench import prepare_stages


def test_prepare_stages_smoke(tmp_path, capsys):
    out = tmp_path / "stages.json"
    assert prepare_stages.main(["--n", "12", "--records", "5", "--procs", "1",
                                "--rounds", "1", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(out.read_text(encoding="utf-8"))
    assert printed["records"] == 5
    stages = printed["stages_ms_per_record"]["1"]
    assert set(prepare_stages.STEPS) <= stages.keys()
    assert all(stages[k] > 0 for k in ("cut", "validate_triples", "derived rows"))
