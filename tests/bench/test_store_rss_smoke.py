"""The store memory benchmark still runs end to end on a tiny file (no figure is asserted)."""

from __future__ import annotations

from bench import store_rss


def test_store_rss_smoke(tmp_path, capsys):
    source = tmp_path / "tiny.nt"
    source.write_text("".join(f'<https://example.org/d/{i}> <https://example.org/p> "v{i}" .\n'
                              for i in range(50)), encoding="utf-8")
    assert store_rss.main([str(source), "--per-load", "20", "--lookups", "5"]) == 0
    out = capsys.readouterr().out
    assert "after load 3:" in out and "after load 4:" not in out
