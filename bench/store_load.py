"""The floor of a bulk import's store writes: Oxigraph loading the quads an import wrote, in
Rust alone, in as many loads as the import made.

    python -m bench.store_load DATA_DIR --batch-size 1024 --cores 2 --rate 300

``DATA_DIR`` is the data directory of a finished ``socle import`` (its records, their DQV
graphs and the bookkeeping). Its quads are dumped as N-Quads, grouped by graph, and loaded
into a fresh on-disk store with ``Store.bulk_load`` (what the import's commits call,
store/oxigraph.py): ``records / batch-size`` loads, each followed by a flush, then the
process waits until RocksDB's background compaction stops using CPU. No Python runs per quad,
so the CPU is what storing those quads costs whatever the import does before. ``--loads N``
sets the number of loads instead (one load per ~1 M quads is the bulk loader's own batch).

Prints one JSON object: the CPU seconds (loads, and with the compaction that follows), per
record, and their share of the CPU an import of that many records has at ``--rate``
records per second on ``--cores`` cores (the import's whole budget). No figure is asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from service.derived.source import StoreSource
from service.store.oxigraph import OxigraphStore

SETTLE_S = 3.0  # the compaction is over when the process used no CPU for this long
SETTLE_MAX_S = 300.0


def _cpu() -> float:
    """CPU seconds of this process, every thread (RocksDB's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _settle() -> float:
    """Wait until the background threads are idle; the CPU seconds they used meanwhile."""
    start = last = _cpu()
    quiet_since = began = time.monotonic()
    while time.monotonic() - quiet_since < SETTLE_S and time.monotonic() - began < SETTLE_MAX_S:
        time.sleep(0.5)
        now = _cpu()
        if now - last > 0.05:
            quiet_since = time.monotonic()
        last = now
    return last - start


def loads_of(store: ox.Store, count: int) -> tuple[list[bytes], int]:
    """The store's quads as N-Quads, whole graphs per load, in ``count`` loads of equal
    numbers of graphs (at most one load per graph). Lines are grouped by their last term,
    the graph name of a quad in a named graph; a default-graph triple is grouped by its
    object or with the others of its kind, which only changes the load that carries it."""
    out = io.BytesIO()
    store.dump(out, format=ox.RdfFormat.N_QUADS)
    graphs: dict[bytes, list[bytes]] = defaultdict(list)
    quads = 0
    for line in out.getvalue().split(b"\n"):
        if line:
            quads += 1
            body = line[:-2].rstrip()  # without " ."
            graph = body.rsplit(b" ", 1)[-1] if body.endswith(b">") else b""
            graphs[graph].append(line)
    groups = list(graphs.values())
    count = max(1, min(count, len(groups)))
    bounds = [len(groups) * k // count for k in range(count + 1)]
    return [b"\n".join(line for group in groups[start:end] for line in group) + b"\n"
            for start, end in zip(bounds, bounds[1:], strict=False)], quads


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("data", help="the data directory of a finished `socle import`")
    parser.add_argument("--batch-size", type=int, default=1024,
                        help="the import's batch size: one load per batch (default 1024)")
    parser.add_argument("--loads", type=int, default=0, help="this many loads instead")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--rate", type=float, default=300.0,
                        help="records per second the budget is computed for")
    args = parser.parse_args(argv)
    source = OxigraphStore(args.data, read_only=True)
    records = StoreSource(source).count()
    count = args.loads or max(1, -(-records // args.batch_size))
    loads, quads = loads_of(source.native, count)
    source.close()
    scratch = Path(tempfile.mkdtemp(prefix="socle-store-load-"))
    try:
        store = ox.Store(str(scratch / "store"))
        cpu, wall = _cpu(), time.perf_counter()
        for text in loads:
            store.bulk_load(input=text, format=ox.RdfFormat.N_QUADS)
            store.flush()
        load_cpu, load_wall = _cpu() - cpu, time.perf_counter() - wall
        after = _settle()
        del store
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    total = load_cpu + after
    budget = records / args.rate * args.cores if records else 0.0
    print(json.dumps({
        "records": records, "quads": quads, "loads": len(loads),
        "load_cpu_s": round(load_cpu, 1), "load_wall_s": round(load_wall, 1),
        "compaction_after_cpu_s": round(after, 1), "cpu_s": round(total, 1),
        "cpu_ms_per_record": round(1000 * total / records, 2) if records else None,
        "budget_cpu_s": round(budget, 1), "budget_share": round(total / budget, 3)
        if budget else None}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
