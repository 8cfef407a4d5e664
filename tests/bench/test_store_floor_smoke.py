"""The floor benchmarks (an import's store loads, a rebuild's steps) and the remote dump's still
run end to end on the demo data (no figure is asserted)."""

from __future__ import annotations

import json

import pytest

from bench import reindex_stages, remote_dump, store_load
from service.app import create_app
from service.config import Settings
from tests.conftest import BASE


@pytest.fixture
def demo_data(tmp_path):
    data = str(tmp_path / "data")
    create_app(Settings(data=data, base_url=BASE, demo=True)).extensions["socle"].close()
    return data


def test_store_load_smoke(demo_data, capsys, monkeypatch):
    monkeypatch.setattr(store_load, "SETTLE_S", 0.5)
    assert store_load.main([demo_data, "--batch-size", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["records"] > 2 and out["quads"] > out["records"]
    assert out["loads"] == -(-out["records"] // 2)
    assert out["cpu_s"] >= out["load_cpu_s"] >= 0 and out["budget_share"] is not None


def test_reindex_stages_smoke(demo_data, capsys, monkeypatch):
    monkeypatch.setenv("SOCLE_BASE_URL", BASE)
    assert reindex_stages.main([demo_data, "--records", "5", "--chunk", "2",
                                "--rounds", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["records"] == 5 and out["budget_ms_per_record"] == 1.2
    steps = {"read", "read, Rust alone (baseline)", "prepare profiled", "write search"}
    assert steps <= out.keys() and all(out[s] >= 0 for s in steps)


def test_remote_dump_smoke(demo_data, capsys):
    assert remote_dump.main([demo_data, "--rounds", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["side"] for r in out["runs"]] == ["baseline", "socle"]
    assert out["same_bytes"] and out["runs"][0]["bytes"] > 0
    assert set(out["socle_to_baseline"]) == {"wall_s", "cpu_s", "peak_rss_mb"}
