"""Where each batch of a `socle import` goes, batch after batch: what grows with the store.

    python -m bench.ingest_phases import CATALOGUE.nt --publisher P --workers 2 --data DIR

Runs the real CLI in this process with timers around the write path's phases (lookups,
store load, derived store, quality scores, garbage collections) and prints, after each
batch, each phase's wall seconds and the importing thread's CPU seconds in it
(``wall/cpu``), and the process's CPU seconds so far (its threads included, not the
workers), its resident memory (``rss``, MB) and the memory blocks Python has allocated
(``py``, millions: when RSS grows and these do not, the growth is outside Python's small
objects). On a shared machine a phase's wall time far above its CPU time is time spent
waiting for a core (or for another thread), not work: read the CPU figures
(docs/benchmarks.md, "Bulk import"). ``workers=``: the worker processes' CPU seconds
so far.
"""

from __future__ import annotations

import functools
import gc
import importlib
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

PHASES = (
    ("service.catalog.batch", "Batch.stage_a"), ("service.catalog.batch", "Batch._lookups"),
    ("service.catalog.batch", "Batch._described"), ("service.catalog.batch", "Batch._decide"),
    ("service.catalog.batch", "Batch._flush"),
    ("service.derived.observer", "DerivedWriter.records_stored"),
    ("service.derived.source", "StoreSource.written"),
    ("service.derived.store", "DerivedStore.written"),
    ("service.quality.keeper", "QualityKeeper.records_joining"),
    ("service.quality.keeper", "QualityKeeper.note_history"),
    ("service.store.oxigraph", "OxigraphStore.apply"),
)
# names the batch module imported by value: timed where they are called
LOOKUPS = ("metas", "described_by", "identifier_ids", "stored_identifiers")

WALL: dict[str, float] = defaultdict(float)
CPU: dict[str, float] = defaultdict(float)


def _timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def timed(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            WALL[name] += time.perf_counter() - wall
            CPU[name] += time.thread_time() - cpu
    return timed


def _gc_timer() -> None:
    started = [0.0]

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            WALL[f"gc{info['generation']}"] += time.perf_counter() - started[0]
    gc.callbacks.append(callback)


def workers_cpu() -> float:
    """CPU seconds of this process's children so far (the pool's workers), from /proc."""
    total = 0
    tick = os.sysconf("SC_CLK_TCK")
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def rss_mb() -> float:
    """This process's resident memory now, in MB (/proc/self/statm)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def install() -> None:
    """Timers around PHASES and LOOKUPS, and a line printed after each batch."""
    for module_name, qualified in PHASES:
        owner: Any = importlib.import_module(module_name)
        *path, attribute = qualified.split(".")
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, attribute, _timed(qualified, getattr(owner, attribute)))
    batch = importlib.import_module("service.catalog.batch")
    for name in LOOKUPS:
        setattr(batch, name, _timed(name, getattr(batch, name)))
    _gc_timer()
    stage_b = batch.Batch.stage_b
    seen: dict[str, tuple[float, float]] = {}
    start, done = time.perf_counter(), [0]

    def reported(self: Any) -> Any:
        results = stage_b(self)
        done[0] += len(self.items)
        parts = []
        for name in sorted(WALL, key=lambda k: -(WALL[k] - seen.get(k, (0.0, 0.0))[0])):
            wall = WALL[name] - seen.get(name, (0.0, 0.0))[0]
            cpu = CPU[name] - seen.get(name, (0.0, 0.0))[1]
            seen[name] = (WALL[name], CPU[name])
            if wall >= 0.05:
                parts.append(f"{name}={wall:.2f}/{cpu:.2f}")
        print(f"[{done[0]:7d} wall={time.perf_counter() - start:7.1f} "
              f"cpu={time.process_time():7.1f} workers={workers_cpu():7.1f} "
              f"rss={rss_mb():6.0f} py={sys.getallocatedblocks() / 1e6:5.2f}M] "
              + " ".join(parts),
              file=sys.stderr, flush=True)
        return results
    batch.Batch.stage_b = reported


def main() -> None:
    install()
    from service.cli.root import main as cli

    sys.argv = ["socle", *sys.argv[1:]]
    cli()


if __name__ == "__main__":  # the workers are spawned: they import this module, not run it
    main()
