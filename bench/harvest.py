"""Harvest benchmark: first harvest of a generated paged source vs re-harvest of the same,
unchanged source (target: re-harvest >= 10x faster).

    python -m bench.harvest [--n 10000] [--page-size 100] [--out bench/results/harvest.json]

One run, one process, on a fresh Oxigraph store in a temporary directory:

1. A DCAT source of n valid datasets (``bench/harvest_source.py``), cut into Hydra pages of
   ``--page-size``, served as Turtle by a threaded HTTP server on 127.0.0.1 (pages generated
   in memory before timing).
2. Baseline: the first harvest (``Harvester.run``, the code behind ``socle harvest``): fetch
   and parse every page, hash every dataset, validate and write every record (one transaction
   each), keep the per-record state and the run report.
3. The re-harvest of the unchanged source: same pages, every dataset skipped by its source
   hash before validation and store writes.
4. A re-harvest after changing 1% of the datasets (they are validated and replaced).

Results: a table on stdout and ``--out`` JSON (bench/results is git-ignored). No timing is
asserted anywhere; tests/bench/test_harvest_smoke.py runs it with a tiny n.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.harvest_source import pages
from bench.machine import machine

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "harvest.json"
PACKAGES = ("rdflib", "pyoxigraph", "pyshacl", "flask")
PATH = "/catalog.ttl"


class Source:
    """The generated pages over HTTP; `documents` can be swapped between runs."""

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        source = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                body = source.documents.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def publish(self, n: int, page_size: int, versions: dict[int, int] | None = None) -> None:
        docs = pages(self.base, PATH, list(range(n)), page_size, versions=versions)
        self.documents = {path: body.encode("utf-8") for path, body in docs.items()}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _timed_run(engine, src) -> dict[str, Any]:
    began = time.perf_counter()
    report = engine.run(src)
    seconds = time.perf_counter() - began
    counted = sum(report.counts[k] for k in ("created", "updated", "unchanged", "failed"))
    return {"seconds": round(seconds, 3), "status": report.status, "pages": report.pages,
            "counts": report.counts, "datasets_per_s": round(counted / seconds, 1)}


def run(n: int, page_size: int, changed_share: float = 0.01) -> dict[str, Any]:
    from service.app import build_services
    from service.catalog.publishers import add_publisher
    from service.config import Settings
    from service.ingest.harvest.setup import harvester
    from service.ingest.harvest.sources import add_source

    source = Source()
    with tempfile.TemporaryDirectory(prefix="socle-bench-harvest-") as tmp:
        settings = Settings(data=str(Path(tmp) / "data"), base_url="http://socle.bench",
                            harvest_allow="127.0.0.1", harvest_backoff=0.0)
        svc = build_services(settings)
        try:
            add_publisher(svc.store, settings.base_url, "bench", "Commune de Banc d'essai",
                          None)
            source.publish(n, page_size)
            src = add_source(svc.store, f"{source.base}{PATH}?page=1", "bench")
            engine = harvester(svc)
            first = _timed_run(engine, src)
            again = _timed_run(engine, src)
            changed = max(1, int(n * changed_share))
            source.publish(n, page_size, versions={i: 1 for i in range(0, n, n // changed)})
            partly = _timed_run(engine, src)
        finally:
            svc.store.close()
            source.close()
    return {
        "n": n, "page_size": page_size,
        "first_harvest": first, "reharvest_unchanged": again,
        "reharvest_1pct_changed": partly,
        "ratios": {
            "first_over_reharvest_unchanged": round(first["seconds"] / again["seconds"], 1),
            "first_over_reharvest_1pct_changed": round(first["seconds"] / partly["seconds"], 1),
        },
        "machine": machine(PACKAGES),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    result = run(args.n, args.page_size)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"harvest of {args.n} datasets, pages of {args.page_size}")
    print(f"{'run':<28}{'seconds':>10}{'datasets/s':>12}  counts")
    for key in ("first_harvest", "reharvest_unchanged", "reharvest_1pct_changed"):
        r = result[key]
        counts = " ".join(f"{k}={v}" for k, v in r["counts"].items() if v)
        print(f"{key:<28}{r['seconds']:>10.2f}{r['datasets_per_s']:>12.1f}  {counts}")
    for name, value in result["ratios"].items():
        print(f"{name}: {value}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
