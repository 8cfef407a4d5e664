"""CPU seconds of each thread of a command, by thread name: which threads of `socle import`
cost what (RocksDB's compaction threads are named ``rocksdb:low``).

    python -m bench.thread_cpu python -m service.cli import cat.nt --publisher P --data D

Reads ``/proc/PID/task/*/stat`` every ``INTERVAL`` seconds until the command exits (a thread's
last reading counts: up to one interval of its time may be missed). The command's main
thread is reported as ``main``; other threads by their name (docs/benchmarks.md, "Bulk
import").
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

INTERVAL = 0.5


def sample(pid: int, seen: dict[str, tuple[str, float]]) -> None:
    """Each thread's name and CPU seconds so far, by thread id, into seen."""
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            name = (task / "comm").read_text().strip()
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[task.name] = ("main" if task.name == str(pid) else name,
                           (int(fields[11]) + int(fields[12])) / tick)


def by_name(seen: dict[str, tuple[str, float]]) -> dict[str, tuple[int, float]]:
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for name, cpu in seen.values():
        totals[name][0] += 1
        totals[name][1] += cpu
    return {name: (int(n), round(cpu, 1)) for name, (n, cpu) in totals.items()}


def main(argv: list[str]) -> int:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    seen: dict[str, tuple[str, float]] = {}
    while proc.poll() is None:
        sample(proc.pid, seen)
        time.sleep(INTERVAL)
    for name, (threads, cpu) in sorted(by_name(seen).items(), key=lambda x: -x[1][1]):
        print(f"{name:20s} threads={threads:3d} cpu_s={cpu:7.1f}")
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
