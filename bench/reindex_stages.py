"""Where a cold rebuild's CPU goes, record by record, in one process.

    python -m bench.reindex_stages bench/results/feed-shared-n20000-t200-v1 --records 4000

On a Socle data directory (`bench/feed_store.py` makes them), the steps `socle reindex` runs
per record (service/derived/source.py, store.py), each timed apart with thread CPU in a
single process (no pickling, no second reader): reading the record graphs (`records_of`:
Oxigraph decoding the stored terms and the record's text), each index's `prepare` (what the
reader processes compute), then each index's write into a fresh on-disk derived store in
chunks of `--chunk` records, one transaction each (what the rebuilding process does).

Also times, as the same run's baseline, Oxigraph writing the same graphs as N-Triples in Rust
alone (`Store.dump` of each graph into a sink that counts bytes: the decoding without Python;
`bench/store_dump.py` does it for a whole store).

Prints one JSON object: milliseconds per record by step, and the CPU per record a rebuild of
``--target-records`` records in ``--target-s`` seconds on ``--cores`` cores allows (issue 18:
100,000 in 60 s on 2 cores). No figure is asserted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench.store_dump import ByteCount
from service.derived.registry import INDEXES
from service.derived.source import StoreSource, made_ahead, records_of
from service.derived.store import DerivedStore, write_index
from service.store.oxigraph import OxigraphStore


def stages(data: str, records: int, chunk: int) -> dict[str, float]:
    """Each step's thread CPU in ms per record over the first ``records`` records."""
    store = OxigraphStore(data, read_only=True)
    facts = StoreSource(store).facts()[:records]
    scratch = Path(tempfile.mkdtemp(prefix="socle-reindex-stages-"))
    derived = DerivedStore(str(scratch / "derived.sqlite3"))
    try:
        indexes = [factory() for factory in INDEXES]
        for index in indexes:
            derived.register(index)
        table: dict[str, float] = {}

        def timed(name: str, start: float) -> None:
            table[name] = table.get(name, 0.0) + time.thread_time() - start

        sink = ByteCount()
        start = time.thread_time()
        for fact in facts:
            store.native.dump(sink, format=ox.RdfFormat.N_TRIPLES,
                              from_graph=ox.NamedNode(fact["iri"]))
        timed("read, Rust alone (baseline)", start)
        for first in range(0, len(facts), chunk):
            start = time.thread_time()
            part = records_of(store, facts[first:first + chunk])
            timed("read", start)
            made: dict[str, Any] = {}
            for index in indexes:
                start = time.thread_time()
                made[index.name] = made_ahead(index, part)
                timed(f"prepare {index.name}", start)
            for index in indexes:
                start = time.thread_time()
                with derived.transaction() as db:
                    write_index(db, index, part, made)
                timed(f"write {index.name}", start)
        count = max(1, len(facts))
        out = {name: round(1000 * seconds / count, 3) for name, seconds in table.items()}
        out["total"] = round(sum(v for k, v in out.items() if "baseline" not in k), 3)
        out["records"] = len(facts)
        return out
    finally:
        derived.close()
        store.close()
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("data", help="a Socle data directory (embedded on-disk store)")
    parser.add_argument("--records", type=int, default=4000)
    parser.add_argument("--chunk", type=int, default=500, help="records per transaction")
    parser.add_argument("--rounds", type=int, default=2,
                        help="passes; the last is reported (the first warms the caches)")
    parser.add_argument("--target-records", type=int, default=100_000)
    parser.add_argument("--target-s", type=float, default=60.0)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args(argv)
    result: dict[str, Any] = {}
    for _ in range(max(1, args.rounds)):
        result = stages(args.data, args.records, args.chunk)
    result["budget_ms_per_record"] = round(
        1000 * args.target_s * args.cores / args.target_records, 3)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
