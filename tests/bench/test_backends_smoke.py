"""The backends benchmark still runs end to end: embedded and an Oxigraph server, tiny n (no
timing is asserted). Skipped when the oxigraph CLI is missing."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from bench import backends as bench
from tests import backends


@pytest.mark.skipif(backends.remote(), reason="starts its own servers: embedded pass only")
@pytest.mark.skipif(not (Path(sys.executable).parent / "oxigraph").exists()
                    and shutil.which("oxigraph") is None, reason="oxigraph CLI missing")
def test_bench_backends_smoke(tmp_path, capsys):
    out = tmp_path / "backends.json"
    assert bench.main(["--n", "10", "--backends", "embedded,oxigraph", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert set(result["results"]) == {"embedded", "oxigraph"}
    for name in ("embedded", "oxigraph"):
        ops = result["results"][name]
        assert ops["create"]["count"] == 10 and ops["replace"]["count"] == 1
        assert ops["feed_page"]["count"] == 20 and ops["record_get"]["count"] == 100
        assert all(ops[f"sparql_{q}"]["count"] == bench.SPARQL_REPEATS for q in bench.QUERIES)
    assert set(result["ratios_to_embedded"]["oxigraph"]) >= {"create", "feed_page"}
    assert "oxigraph / embedded" in capsys.readouterr().out
