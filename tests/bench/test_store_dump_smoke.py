"""The store dump benchmark still runs end to end on a tiny store (no figure is asserted)."""

from __future__ import annotations

import json

import pyoxigraph as ox

from bench import store_dump


def test_store_dump_smoke(tmp_path, capsys):
    store = ox.Store(str(tmp_path / "s"))
    node = ox.NamedNode("https://example.org/s")
    store.add(ox.Quad(node, node, ox.Literal("v"), ox.NamedNode("https://example.org/g")))
    store.flush()
    del store
    assert store_dump.main([str(tmp_path / "s")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["bytes"] > 0 and {"wall_s", "cpu_s"} <= out.keys()
