"""The ingest benchmark still runs end to end (tiny n; no timing is asserted)."""

from __future__ import annotations

import json

from bench import ingest as bench


def test_generated_catalogue_is_contiguous_and_valid_ntriples(tmp_path):
    path = tmp_path / "c.nt"
    pub = bench.write_catalogue(path, 5)
    lines = path.read_text().splitlines()
    assert len(lines) == pub["triples"] and lines[0].startswith("_:r0 ")
    first = bench.head(path, 2, tmp_path / "h.nt").read_text().splitlines()
    assert {line.split(" ", 1)[0].split("x")[0] for line in first} == {"_:r0", "_:r1"}


def test_bench_ingest_smoke(tmp_path, capsys):
    out = tmp_path / "ingest.json"
    assert bench.main(["--n", "6", "--big", "9", "--sequential-n", "3", "--profile-n", "3",
                       "--workers", "2", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    small = result["small"]
    assert small["import"]["returncode"] == 0
    assert small["import"]["last_line"].startswith("créés/created=6 ")
    assert "inchangés/unchanged=6" in small["reimport_unchanged"]["last_line"]
    assert "vérifiés/checked=6" in small["validate_all"]["last_line"]
    assert result["small_workers"]["import"]["last_line"].startswith("créés/created=6 ")
    assert result["big"]["import"]["last_line"].startswith("créés/created=9 ")
    assert result["baseline_pyshacl"]["violations"] == 0
    assert result["before_sequential"]["created"] == 3
    assert result["profile"]["summary"]["created"] == 3
    assert "import_over_pyshacl_only" in result["ratios"]
    assert "socle import (CLI, full validation)" in capsys.readouterr().out


def test_ingest_phases_prints_each_batch(tmp_path):
    """bench/ingest_phases.py: the real import, with workers, one line per batch naming the
    timed phases (no timing is asserted)."""
    import os
    import subprocess
    import sys

    catalogue = tmp_path / "c.nt"
    pub = bench.write_catalogue(catalogue, 6)
    data = tmp_path / "data"
    env = bench.child_env(str(tmp_path))
    bench.prepare_store(data, pub, env)
    done = subprocess.run(
        [sys.executable, "-m", "bench.ingest_phases", "import", str(catalogue), "--publisher",
         pub["id"], "--workers", "2", "--batch-size", "4", "--data", str(data)],
        cwd=bench.REPO, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("[")]
    assert [line.split()[1] for line in lines] == ["4", "6"]
    assert all("workers=" in line for line in lines)
    assert done.stdout.startswith("créés/created=6 ")


def test_thread_cpu_names_the_main_thread():
    """bench/thread_cpu.py: a command's threads by name, its main thread as ``main``."""
    import sys

    from bench import thread_cpu

    code = "import threading, time\nt = time.time()\nwhile time.time() - t < 1.5: pass"
    assert thread_cpu.main([sys.executable, "-c", code]) == 0
    seen: dict[str, tuple[str, float]] = {}
    import subprocess
    proc = subprocess.Popen([sys.executable, "-c", code])
    while proc.poll() is None:
        thread_cpu.sample(proc.pid, seen)
    assert thread_cpu.by_name(seen)["main"][0] == 1
