"""A dump of an external store (`socle export`, `socle backup` with --store): Socle's dump, 200
graphs per query as one snapshot, against the baseline of one SELECT of every quad.

    python -m bench.remote_dump bench/results/feed-shared-n20000-t200-v1 [--rounds 2]

STORE: an on-disk store (a Socle data directory; the feed stores of `bench.feed_store` come
from the realistic generator). An Oxigraph server reads it (`oxigraph serve-read-only
--union-default-graph`, a free port of 127.0.0.1) for the whole run. Each dump runs in a child
process of its own, so that its peak RSS is its own; baseline and Socle alternate, `--rounds`
times. Both write N-Quads into a sink that only counts bytes. Prints JSON: per run wall and CPU
seconds of the child, its peak RSS and the bytes; then Socle's medians as ratios to the
baseline's.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox

from bench.serve import free_port
from bench.store_dump import ByteCount
from service.store.sparql import GENERATION_GRAPH, Remote, SparqlStore
from service.store.sparql_terms import to_ox_term

SIDES = ("baseline", "socle")


def one_query(store: SparqlStore, out: ByteCount) -> None:
    """The baseline: every quad in one answer, held whole before it is written."""
    rows = store._json("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
                       f"FILTER(?g != <{GENERATION_GRAPH}>) }}")
    quads = [ox.Quad(cast(Any, to_ox_term(b["s"])), cast(Any, to_ox_term(b["p"])),
                     to_ox_term(b["o"]), ox.NamedNode(b["g"]["value"]))
             for b in rows["results"]["bindings"]]
    ox.serialize(quads, out, format=ox.RdfFormat.N_QUADS)


def child(side: str, url: str) -> dict[str, Any]:
    store = SparqlStore(Remote(f"{url}/query", timeout=3600))
    sink = ByteCount()
    wall, cpu = time.perf_counter(), time.process_time()
    if side == "baseline":
        one_query(store, sink)
    else:
        store.dump(cast(Any, sink))
    return {"side": side, "wall_s": round(time.perf_counter() - wall, 1),
            "cpu_s": round(time.process_time() - cpu, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "bytes": sink.bytes}


def serve(location: str) -> tuple[subprocess.Popen[bytes], str]:
    binary = Path(sys.executable).parent / "oxigraph"
    command = str(binary) if binary.exists() else shutil.which("oxigraph")
    if command is None:
        raise SystemExit("the oxigraph CLI is missing: pip install oxigraph")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([command, "serve-read-only", "--location", location, "--bind",
                               f"127.0.0.1:{port}", "--union-default-graph"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).read()
            return server, url
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"oxigraph did not start on {location}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("store", nargs="?", help="an on-disk store (a Socle data directory)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)  # a child's run
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side:
        print(json.dumps(child(args.side, args.url)))
        return 0
    if not args.store:
        parser.error("STORE is required")
    server, url = serve(args.store)
    runs = []
    try:
        for _ in range(args.rounds):
            for side in SIDES:
                done = subprocess.run([sys.executable, "-m", "bench.remote_dump", "--side", side,
                                       "--url", url], capture_output=True, text=True, check=True,
                                      cwd=Path(__file__).resolve().parents[1])
                runs.append(json.loads(done.stdout))
                print(json.dumps(runs[-1]), file=sys.stderr, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    def median(side: str, key: str) -> float:
        return statistics.median(r[key] for r in runs if r["side"] == side)

    ratios = {key: round(median("socle", key) / max(median("baseline", key), 1e-9), 2)
              for key in ("wall_s", "cpu_s", "peak_rss_mb")}
    same = len({r["bytes"] for r in runs}) == 1
    print(json.dumps({"runs": runs, "socle_to_baseline": ratios, "same_bytes": same}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
