"""One-record write latency against the store size (issue 18: write p50 ≤ 30 ms with the
derived store updated in the same call, at any n).

    python -m bench.records_scale --n 2000 20000 --writes 30 [--template 200]

For each n, the feed benchmark's realistic store (``bench/feed_store.py``: datasets of
``../shared/generators/dcat_catalogue.py`` through the write path, copied up to n records,
bulk-loaded, reindexed; cached) is copied to a scratch directory and the app opened on it
(derived store, quality keeper: every observer of the write path). Then ``--writes``
one-record writes of new generated datasets (seed 7), each ``RecordService.upsert_many`` with
``batch_size=1`` (what ``bench/feed.py --writes`` times), after 5 untimed ones; then as many
``POST /datasets`` through the Flask test client (``bench/records.py`` Turtle records). Prints the
p50 per n and its ratio to the smallest n: a write that does not grow with the store gives
~1. ``--service DIR`` imports ``service`` from another checkout (DIR/service): the same run,
stores and records then time another commit's write path (``--service`` repeated: each in
turn, interleaved per n).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def measure(service: Path, store: Path, writes: int, base: str, generator: Path
            ) -> dict[str, Any]:
    """In a child process, so that each checkout's ``service`` is imported alone."""
    done = subprocess.run([sys.executable, "-m", "bench.records_scale", "--child", str(service),
                           str(store), str(writes), base, str(generator)],
                          cwd=REPO, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _measure(service: Path, store: Path, writes: int, base: str, generator: Path
             ) -> dict[str, Any]:
    sys.path.insert(0, str(service))  # `bench` is imported already (from this checkout)
    import service as imported

    assert Path(imported.__file__ or "").resolve().parent == (service / "service").resolve()
    from bench import gen_catalogue as gen
    from bench.records import make_record
    from service.app import create_app
    from service.auth.tokens import create_token
    from service.catalog.publishers import get_publisher
    from service.config import Settings
    from service.rdf.formats import BY_NAME
    from service.rdf.parse import parse_rdf
    from service.rdf.records import split_catalogue

    text = subprocess.run([sys.executable, str(generator), "--n", str(writes + 5), "--seed",
                           "7", "--format", "nt"], capture_output=True, check=True).stdout
    records = split_catalogue(parse_rdf(text, BY_NAME["ntriples"]))
    with tempfile.TemporaryDirectory(dir=store.parent) as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(store, data)
        app = create_app(Settings(data=str(data), base_url=base))
        svc = app.extensions["socle"]
        publisher = gen.publishers(1)[0].id
        times, posts, refused = [], [], 0
        try:
            for i, record in enumerate(records[:writes + 5]):
                t0 = time.perf_counter()
                [result] = svc.records.upsert_many(publisher, [record], batch_size=1)
                if i >= 5:
                    times.append((time.perf_counter() - t0) * 1000)
                refused += not hasattr(result, "meta")
            # The records API's path: POST /datasets through the test client (Turtle bodies
            # of bench/records.py), after 5 untimed ones.
            token = create_token(svc.files, get_publisher(svc.store, base, publisher))
            client = app.test_client()
            auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
            rng = random.Random(7)
            for i in range(writes + 5):
                body = make_record(900_000 + i, rng).encode()
                t0 = time.perf_counter()
                answer = client.post("/datasets", data=body, headers=auth)
                if i >= 5:
                    posts.append((time.perf_counter() - t0) * 1000)
                refused += answer.status_code != 201
        finally:
            svc.store.close()
    return {"writes": len(times), "refused": refused, **_summary("", times),
            **_summary("post_", posts)}


def _summary(prefix: str, times: list[float]) -> dict[str, float]:
    return {f"{prefix}p50_ms": round(statistics.median(times), 1),
            f"{prefix}p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 1)}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        service, store, writes, base, generator = argv[1:6]
        print(json.dumps(_measure(Path(service), Path(store), int(writes), base,
                                  Path(generator))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--template", type=int, default=200)
    parser.add_argument("--writes", type=int, default=30)
    parser.add_argument("--service", type=Path, action="append",
                        help="checkout whose service/ is timed (default: this one)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    from bench import feed_store

    services = args.service or [REPO]
    out: dict[str, Any] = {"load_before": os.getloadavg(), "runs": {}}
    for n in sorted(args.n):
        info = feed_store.build(n, args.template, log=lambda m: print(m, file=sys.stderr))
        for service in services:
            run = measure(service, Path(info["store"]), args.writes, info["base"],
                          feed_store.GENERATOR)
            out["runs"].setdefault(str(service), {})[n] = run
            print(f"{service} n={n}: {json.dumps(run)}", file=sys.stderr)
    smallest = min(args.n)
    for runs in out["runs"].values():
        for run in runs.values():
            run["ratio_to_smallest_n"] = round(run["p50_ms"] / runs[smallest]["p50_ms"], 2)
            run["post_ratio_to_smallest_n"] = round(
                run["post_p50_ms"] / runs[smallest]["post_p50_ms"], 2)
    out["load_after"] = os.getloadavg()
    print(json.dumps(out, indent=2))
    if args.out:
        args.out.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
