"""The start benchmark runs end to end on the demo catalogue (no timing asserted)."""

from __future__ import annotations

import json

from bench import start as bench
from service.app import create_app
from service.config import Settings
from tests.conftest import BASE


def test_bench_start_smoke(tmp_path, capsys):
    data = str(tmp_path / "data")
    create_app(Settings(data=data, base_url=BASE, demo=True)).extensions["socle"].close()
    out = tmp_path / "start.json"
    assert bench.main(["--data", data, "--rounds", "1", "--out", str(out)]) == 0
    sides = json.loads(out.read_text())["sides"]
    assert set(sides["after"]) == {"feed page", "search"}
    assert all(v["median_s"] > 0 for v in sides["after"].values())
    assert "start to first search" in capsys.readouterr().out
