"""The floor of a cold rebuild: Oxigraph reading every quad of a store, in Rust alone.

    python -m bench.store_dump bench/results/feed-shared-n100000-t500-v1

`Store.dump` of the whole store as N-Quads into a sink that only counts bytes, from a
read-only handle: no Python per quad, so the time is Oxigraph decoding the stored terms
(docs/benchmarks.md, "Cold reindex and start"). Prints wall and CPU seconds and the bytes written.
"""

from __future__ import annotations

import argparse
import json
import time

import pyoxigraph as ox


class ByteCount:
    """A binary sink that only counts what is written to it."""

    def __init__(self) -> None:
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self.bytes += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("store", help="an on-disk Oxigraph store (a Socle data directory)")
    args = parser.parse_args(argv)
    store = ox.Store.read_only(args.store)
    sink = ByteCount()
    wall, cpu = time.perf_counter(), time.process_time()
    store.dump(sink, format=ox.RdfFormat.N_QUADS)
    print(json.dumps({"wall_s": round(time.perf_counter() - wall, 1),
                      "cpu_s": round(time.process_time() - cpu, 1),
                      "bytes": sink.bytes}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
