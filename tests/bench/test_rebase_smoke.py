"""The rebase benchmark runs end to end on a small generated store and proves every IRI moved
(the 10,000-record run is `python -m bench.rebase`, docs/benchmarks.md)."""

from bench import rebase


def test_rebase_bench_small(tmp_path):
    result = rebase.run(60, tmp_path)
    assert result["checks"] == {"same_count": True, "old_base_left": 0,
                                "equal_to_substituted_dump": True}
    assert result["ok"]
