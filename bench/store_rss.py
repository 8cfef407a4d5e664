"""The resident memory of an on-disk pyoxigraph store as bulk loads add to it, without any
Socle code: does a `socle import`'s memory growth come from the store itself?

    python -m bench.store_rss cat10k.nt --per-load 130000 --lookups 3000

Loads the N-Triples file's lines into a fresh store in a temporary directory, ``--per-load``
lines per bulk load, each load into its own named graph (as an import's batches go into
their records' graphs), and prints the process's RSS after each load; with ``--lookups``,
reads that many random subjects' quads after each load (as an import's lookups do). No
timing: memory only (docs/benchmarks.md, "Bulk import").
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from bench.ingest_phases import rss_mb


def run(source: Path, per_load: int, lookups: int, seed: int = 1) -> list[float]:
    """RSS (MB) before the first load, then after each load."""
    lines = [line for line in source.read_text(encoding="utf-8").split("\n") if line]
    subjects = sorted({line.split(" ", 1)[0][1:-1] for line in lines if line.startswith("<")})
    pick = random.Random(seed)
    directory = tempfile.mkdtemp(prefix="socle-store-rss-")
    try:
        store = ox.Store(directory)
        seen = [rss_mb()]
        for start in range(0, len(lines), per_load):
            graph = f" <urn:socle:bench:load:{start}> .\n"
            text = "".join(line[:-2] + graph for line in lines[start:start + per_load])
            store.bulk_load(input=text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            for subject in pick.sample(subjects, min(lookups, len(subjects))):
                list(store.quads_for_pattern(ox.NamedNode(subject), None, None, None))
            seen.append(rss_mb())
        del store
        return seen
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="an N-Triples file (one triple per line)")
    parser.add_argument("--per-load", type=int, default=130_000)
    parser.add_argument("--lookups", type=int, default=0)
    args = parser.parse_args(argv)
    seen = run(args.source, args.per_load, args.lookups)
    print(f"before the first load: {seen[0]:.0f} MB")
    for n, value in enumerate(seen[1:], 1):
        print(f"after load {n}: {value:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
