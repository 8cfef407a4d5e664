"""Per-record cost of the fast SHACL engine, before/after, interleaved in one run.

    python -m bench.validation --n 2000 [--reference-n 50] [--out bench/results/validation.json]
                               [--baseline REV]

What one run does (see docs/benchmarks.md, "Fast SHACL engine"):

1. Generates n datasets with ``bench.gen_catalogue.make_record`` exactly as
   ``bench.ingest.write_catalogue`` does (blank-node records, one publisher), parses them and
   cuts them into per-record triple lists with ``service.rdf.records.split_catalogue``, as an
   import does. The pyoxigraph terms the bulk path hands over (``native``) are made up front.
2. Loads the engine as it was at commit ``BASELINE`` (``git show`` into a temporary package,
   nothing under ``service/`` is kept for it; ``--baseline REV`` picks another revision, e.g.
   HEAD to measure an uncommitted change) — engine A — and the current engine — B — on the
   same shapes and vocabularies.
3. Times ``Report.from_results(engine.run(TripleIndex(triples, native)))`` for every record,
   alternating A, B, A, B… (machine noise hits both alike), CPU time (``process_time``) and
   wall; checks that A and B give the same results on every record.
4. Times pySHACL (the reference engine) on the first ``--reference-n`` records: the baseline.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import gen_catalogue as gen
from bench.machine import machine

REPO = Path(__file__).resolve().parents[1]
BASELINE = "b9f61d9"
DEFAULT_OUT = REPO / "bench" / "results" / "validation.json"
PACKAGES = ("rdflib", "pyoxigraph", "pyshacl")

logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


def record_triples(n: int, seed: int = 20240115) -> list[list[tuple]]:
    """n generated datasets cut into records, as rdflib-term triple lists."""
    from rdflib import Graph

    from service.rdf.records import split_catalogue

    rng = random.Random(seed)
    pubs = gen.publishers(1)
    lines = []
    for i in range(n):
        lines.extend(gen.blank_record_lines(gen.make_record(i, n, pubs, rng), i))
    graph = Graph().parse(data="\n".join(lines), format="nt")
    return [list(record.graph) for record in split_catalogue(graph)]


def baseline_engine_module(tmp: Path, revision: str = BASELINE) -> Any:
    """The fast engine's package as of ``revision``, importable as a throw-away package
    (``tmp`` stays on sys.path while it is used: some modules are imported lazily)."""
    pkg = tmp / "socle_validation_baseline"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    names = subprocess.run(["git", "ls-tree", "--name-only", revision, "service/validation/"],
                           cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    for path in names:
        if path.endswith(".py") and not path.endswith("__init__.py"):
            src = subprocess.run(["git", "show", f"{revision}:{path}"], cwd=REPO,
                                 capture_output=True, text=True, check=True).stdout
            (pkg / Path(path).name).write_text(src)
    sys.path.insert(0, str(tmp))
    return {name: importlib.import_module(f"socle_validation_baseline.{name}")
            for name in ("fast_engine", "index", "report")}


def _rows(results) -> list[tuple]:
    return sorted((r.focus, r.path, r.value, r.severity, r.message_fr, r.message_en, r.shape)
                  for r in results)


def _summary(cpu: list[float], wall: list[float]) -> dict[str, float]:
    return {"cpu_ms_median": statistics.median(cpu) * 1e3,
            "cpu_ms_mean": statistics.fmean(cpu) * 1e3,
            "wall_ms_median": statistics.median(wall) * 1e3,
            "wall_ms_mean": statistics.fmean(wall) * 1e3,
            "records_per_cpu_s": len(cpu) / sum(cpu) if sum(cpu) else None}


def run(n: int, reference_n: int, revision: str = BASELINE) -> dict[str, Any]:
    from service.rdf.parse import term_to_oxigraph
    from service.validation.fast_engine import FastEngine
    from service.validation.index import TripleIndex
    from service.validation.loader import load_sources
    from service.validation.pyshacl_engine import PyshaclEngine
    from service.validation.report import Report

    t0 = time.perf_counter()
    records = record_triples(n)
    natives = [[tuple(term_to_oxigraph(t) for t in triple) for triple in rec] for rec in records]
    generated_s = time.perf_counter() - t0
    sources = load_sources()
    with tempfile.TemporaryDirectory() as tmp:
        old = baseline_engine_module(Path(tmp), revision)
        engines = {
            "A": (old["fast_engine"].FastEngine(sources), old["index"].TripleIndex,
                  old["report"].Report),
            "B": (FastEngine(sources), TripleIndex, Report),
        }
        times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in engines}
        mismatches = 0
        results = 0
        for triples, native in zip(records, natives, strict=True):
            got = {}
            for key, (engine, index, report) in engines.items():
                w, c = time.perf_counter(), time.process_time()
                out = report.from_results(engine.run(index(triples, native)))
                times[key][1].append(time.process_time() - c)
                times[key][0].append(time.perf_counter() - w)
                got[key] = _rows(out.results)
            mismatches += got["A"] != got["B"]
            results += len(got["B"])
        sys.path.remove(tmp)
    reference = PyshaclEngine(sources)
    ref_wall, ref_cpu = [], []
    for triples in records[:reference_n]:
        from rdflib import Graph

        g = Graph()
        for triple in triples:
            g.add(triple)
        w, c = time.perf_counter(), time.process_time()
        Report.from_results(reference.run(g))
        ref_cpu.append(time.process_time() - c)
        ref_wall.append(time.perf_counter() - w)
    a = _summary(times["A"][1], times["A"][0])
    b = _summary(times["B"][1], times["B"][0])
    ref = _summary(ref_cpu, ref_wall)
    return {
        "n": n, "records": len(records), "reference_n": len(ref_cpu),
        "triples_per_record": statistics.fmean(len(r) for r in records),
        "results_per_record": results / max(len(records), 1),
        "mismatching_records": mismatches, "generate_s": generated_s,
        "baseline_commit": revision,
        "A_before": a, "B_after": b, "pyshacl_reference": ref,
        "ratios": {
            "cpu_median_before_over_after": a["cpu_ms_median"] / b["cpu_ms_median"],
            "cpu_mean_before_over_after": a["cpu_ms_mean"] / b["cpu_ms_mean"],
            "wall_median_before_over_after": a["wall_ms_median"] / b["wall_ms_median"],
            "cpu_median_pyshacl_over_before": ref["cpu_ms_median"] / a["cpu_ms_median"],
            "cpu_median_pyshacl_over_after": ref["cpu_ms_median"] / b["cpu_ms_median"],
        },
        "machine": machine(PACKAGES),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--reference-n", type=int, default=50)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--baseline", default=BASELINE,
                    help=f"git revision of engine A (default {BASELINE}, the engine before)")
    args = ap.parse_args(argv)
    result = run(args.n, min(args.reference_n, args.n), args.baseline)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    a, b, ref = result["A_before"], result["B_after"], result["pyshacl_reference"]
    print(f"fast SHACL engine, {result['records']} records "
          f"({result['triples_per_record']:.1f} triples, "
          f"{result['results_per_record']:.2f} results each), "
          f"mismatching records: {result['mismatching_records']}")
    for label, s in (("A before", a), ("B after", b), ("pySHACL", ref)):
        print(f"  {label:9} cpu median {s['cpu_ms_median']:.3f} ms, mean {s['cpu_ms_mean']:.3f} ms;"
              f" wall median {s['wall_ms_median']:.3f} ms")
    for key, value in result["ratios"].items():
        print(f"  {key}: {value:.2f}x")
    print(f"written to {args.out}")
    return 0 if result["mismatching_records"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
