"""MQA rescoring of a whole instance, and link checking on a local server.

    python -m bench.quality --n 100000 --pool 1000 --validate-n 2000 --links 10000 \
        [--keep-store /tmp/quality-100k] [--out bench/results/quality.json]

What one run does (see docs/benchmarks.md, "Quality score and link checking"):

1. Generates `--pool` datasets with ../shared/generators/dcat_catalogue.py (shared vocabulary
   nodes described, as real exports do), cuts them into records as an import does, and
   replicates them into n distinct records (IRIs suffixed per copy, blank nodes skolemised)
   bulk-loaded with their bookkeeping into a fresh Oxigraph store on disk. With
   `--keep-store DIR` the loaded store (nothing scored yet) is kept in DIR as a RocksDB
   checkpoint and later runs with the same --n, --pool and --seed start from a checkpoint
   of it (hard links, no copy, the kept one is never written) instead of loading again.
2. **First scoring**: `rescore_all(refresh=True)` with no score stored yet: every record graph
   read, facts extracted, scored, its DQV graph written.
3. **Rescore, nothing changed**: `rescore_all()` from the stored facts: read and compare only.
4. **Rescore after a link check changed every score**: every URL marked OK, `rescore_all()`:
   n DQV graphs rewritten. This is the "rescore 100,000 records" figure.
5. **Baseline, same run**: the service's validator on `--validate-n` records of the same data,
   every (n / validate-n)-th record by id (with validate-n >= pool, every generated dataset
   is in the sample), as rdflib graphs, as `socle validate --all` does; its time per record
   times n is the estimate for n records the ratios are to.
6. **Link checking**: `--links` URLs on one local server (127.0.0.1, allowed explicitly),
   per-host limit 4, no pause: the checker's wall time, the most requests the server saw at
   once (must be <= 4), against a baseline of plain sequential HEAD requests over the same
   URLs; then 200 URLs with a 20 ms pause per host to show the rate limit holds.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.machine import machine

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO.parent / "shared" / "generators" / "dcat_catalogue.py"
DEFAULT_OUT = REPO / "bench" / "results" / "quality.json"
BASE = "http://bench.socle.test"
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


def pool_records(pool: int, seed: int) -> list[tuple[str, str]]:
    """(dataset IRI, N-Triples text with blank nodes) of `pool` generated records."""
    from rdflib import BNode

    from service.rdf.records import split_catalogue
    from service.store.base import nt

    spec = importlib.util.spec_from_file_location("dcat_catalogue", GENERATOR)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    graph, _ = module.generate(pool, seed, 0.0, True)
    out = []
    for record in split_catalogue(graph):
        lines = []
        for s, p, o in record.graph:
            terms = [f"_:{t}" if isinstance(t, BNode) else nt(t) for t in (s, p, o)]
            lines.append(" ".join(terms))
        out.append((str(record.root), "\n".join(lines)))
    return out


def load_store(path: str, records: list[tuple[str, str]], n: int) -> Any:
    """n records (copies of the pool, each with its own IRIs) and their bookkeeping."""
    import pyoxigraph as ox

    from service.catalog.bookkeeping import RecordMeta, bookkeeping_change
    from service.rdf.namespaces import RECORDS_GRAPH
    from service.store import open_store

    store = open_store(path)
    report = {"conforms": True, "violations": 0, "warnings": 0, "infos": 0, "results": []}
    chunk: list[str] = []
    for i in range(n):
        iri, text = records[i % len(records)]
        copy = f"{iri}-c{i}"
        body = text.replace(f"<{iri}", f"<{copy}").replace("_:", f"<{copy}#b")
        body = _close_bnodes(body)
        chunk.append(body.replace("\n", f" <{copy}> .\n") + f" <{copy}> .\n")
        meta = RecordMeta(f"r{i}", copy, "pub", "2026-01-01T00:00:00Z",
                          "2026-01-01T00:00:00Z", "h", report)
        change = bookkeeping_change(BASE, meta, f"{BASE}/publishers/pub")
        chunk.append("".join(f"{s} {p} {o} <{RECORDS_GRAPH}> .\n" for s, p, o in change.triples))
        if len(chunk) >= 4000:
            store.native.bulk_load(input="".join(chunk).encode(), format=ox.RdfFormat.N_QUADS)
            chunk = []
    if chunk:
        store.native.bulk_load(input="".join(chunk).encode(), format=ox.RdfFormat.N_QUADS)
    store.native.flush()
    return store


def _close_bnodes(text: str) -> str:
    """`<copy#bXYZ` (from `_:XYZ`) needs its closing `>`: the label ends at the next space."""
    out = []
    for line in text.split("\n"):
        parts = line.split(" ", 2)
        for k in (0, 2):
            if k < len(parts) and "#b" in parts[k] and parts[k].startswith("<") \
                    and not parts[k].endswith(">"):
                parts[k] += ">"
        out.append(" ".join(parts))
    return "\n".join(out)


def timed(func: Any, *args: Any, **kwargs: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def validation_baseline(store: Any, validate_n: int) -> dict[str, float]:
    from service.config import Settings
    from service.services import load_validator

    settings = Settings()
    validator = load_validator(settings.shapes_dir, settings.vocab_dir)
    rows = sorted((int(r["id"][1:]), r["iri"]) for r in store.rows(
        "SELECT ?id ?iri WHERE { GRAPH <urn:socle:graph:records> { ?r "
        "<http://xmlns.com/foaf/0.1/primaryTopic> ?iri ; "
        "<https://socle.opendata.fr/ns#localId> ?id } }"))
    step = max(1, len(rows) // validate_n)
    graphs = [store.graph(iri) for _, iri in rows[::step][:validate_n]]
    _, wall, cpu = timed(lambda: [validator.validate(g) for g in graphs])
    return {"records": len(graphs), "every_nth_record": step, "wall_s": wall, "cpu_s": cpu,
            "per_record_ms": 1000 * wall / len(graphs),
            "per_record_cpu_ms": 1000 * cpu / len(graphs)}


def open_loaded(path: str, records: list[tuple[str, str]], n: int, keep: Path | None,
                key: dict[str, int]) -> tuple[Any, bool]:
    """The store of n loaded records at `path`: from the checkpoint kept in `keep` when it
    was made with the same key, else loaded (and kept, when `keep` is given)."""
    import pyoxigraph as ox

    from service.store import open_store

    meta = keep.with_suffix(".json") if keep else None
    if keep and meta and keep.is_dir() and meta.is_file() \
            and json.loads(meta.read_text()) == key:
        ox.Store.read_only(str(keep)).backup(path)
        return open_store(path), True
    store = load_store(path, records, n)
    if keep and meta:
        if keep.exists():
            raise SystemExit(f"{keep} holds another store: remove it or choose another")
        store.native.backup(str(keep))
        meta.write_text(json.dumps(key))
    return store, False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    active = 0
    max_active = 0
    lock = threading.Lock()

    def _answer(self) -> None:
        cls = type(self)
        with cls.lock:
            cls.active += 1
            cls.max_active = max(cls.max_active, cls.active)
        time.sleep(0.002)  # a little server work: concurrency shows
        with cls.lock:
            cls.active -= 1
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = _answer  # noqa: N815
    do_GET = _answer  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


def links_bench(count: int) -> dict[str, Any]:
    import http.client

    from service.ingest.harvest.policy import Policy
    from service.quality.links.checker import CheckSettings, LinkChecker

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{port}/f{i}.csv" for i in range(count)]
    try:
        def baseline() -> None:
            for url in urls:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("HEAD", url.split(str(port), 1)[1])
                conn.getresponse()
                conn.close()

        _, base_wall, _ = timed(baseline)
        _Handler.max_active = 0
        checker = LinkChecker(Policy.from_text("127.0.0.1"),
                              CheckSettings(per_host=4, min_interval=0.0, workers=16))
        found, wall, cpu = timed(lambda: list(checker.check_all(urls)))
        limited = LinkChecker(Policy.from_text("127.0.0.1"),
                              CheckSettings(per_host=4, min_interval=0.02, workers=16))
        _, slow_wall, _ = timed(lambda: list(limited.check_all(urls[:200])))
        return {
            "urls": count, "ok": sum(1 for r in found if r.ok),
            "baseline_sequential_head_s": base_wall, "checker_wall_s": wall,
            "checker_cpu_s": cpu, "urls_per_s": count / wall,
            "ratio_to_baseline": wall / base_wall,
            "per_host_limit": 4, "max_concurrent_seen_by_server": _Handler.max_active,
            "max_concurrent_seen_by_checker": max(checker.max_seen.values()),
            "rate_limited_200_urls_s": slow_wall,
            "rate_limited_floor_s": 199 * 0.02,
        }
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--pool", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--validate-n", type=int, default=2000)
    ap.add_argument("--keep-store", type=Path, default=None,
                    help="keep the loaded store here and reuse it in later runs")
    ap.add_argument("--links", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)

    from service.quality import keeper
    from service.quality.links import results
    from service.quality.links.results import LinkResult

    out: dict[str, Any] = {"machine": machine(["pyoxigraph", "rdflib"]), "n": args.n,
                           "pool": args.pool}
    records, gen_wall, _ = timed(pool_records, args.pool, args.seed)
    out["generate_pool_s"] = gen_wall
    with tempfile.TemporaryDirectory() as tmp:
        key = {"n": args.n, "pool": args.pool, "seed": args.seed}
        (store, reused), load_wall, _ = timed(open_loaded, str(Path(tmp) / "store"), records,
                                              args.n, args.keep_store, key)
        out["load_s"], out["store_reused"] = load_wall, reused
        print(f"{'reused' if reused else 'loaded'} {args.n} records in {load_wall:.0f} s",
              file=sys.stderr, flush=True)
        out["quads_loaded"] = len(store.native)
        first, wall, cpu = timed(keeper.rescore_all, store, refresh=True, snapshot=False)
        out["first_scoring"] = {"wall_s": wall, "cpu_s": cpu, **first.summary()}
        print(f"first scoring {wall:.0f} s", file=sys.stderr, flush=True)
        again, wall, cpu = timed(keeper.rescore_all, store, snapshot=False)
        out["rescore_unchanged"] = {"wall_s": wall, "cpu_s": cpu, **again.summary()}
        print(f"rescore unchanged {wall:.0f} s", file=sys.stderr, flush=True)
        urls = set()
        for row in keeper.stored(store, with_facts=True):
            urls |= row["facts"].urls()
        stamp = "2026-12-05T08:00:00Z"
        _, save_wall, _ = timed(results.save, store,
                                (LinkResult(u, True, stamp, status=200) for u in urls))
        out["link_results_saved"] = {"urls": len(urls), "wall_s": save_wall}
        changed, wall, cpu = timed(keeper.rescore_all, store, snapshot=False)
        out["rescore_all_changed"] = {"wall_s": wall, "cpu_s": cpu, **changed.summary()}
        print(f"rescore changed {wall:.0f} s", file=sys.stderr, flush=True)
        out["validation_baseline"] = base = validation_baseline(store, args.validate_n)
        scale = args.n / base["records"]
        out["validation_estimate_for_n_s"] = base["wall_s"] * scale
        out["validation_estimate_for_n_cpu_s"] = base["cpu_s"] * scale
        for step in ("first_scoring", "rescore_unchanged", "rescore_all_changed"):
            out[step]["ratio_to_validation"] = out[step]["wall_s"] / (base["wall_s"] * scale)
            out[step]["cpu_ratio_to_validation"] = out[step]["cpu_s"] / (base["cpu_s"] * scale)
        store.close()
    if args.links:  # --links 0: the rescore figures alone
        out["links"] = links_bench(args.links)
    for key in ("first_scoring", "rescore_unchanged", "rescore_all_changed"):
        out[key].pop("publishers", None)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
