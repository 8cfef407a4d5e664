"""Bulk import and bulk validation throughput, and memory of a streamed import.

    python -m bench.ingest --n 10000 --big 100000 --out bench/results/ingest.json
    python -m bench.ingest --n 20000 --workers 2 --big 0 --sequential-n 0 --profile-n 0

The catalogue comes from ``../shared/generators/dcat_catalogue.py`` (``--generator shared``,
the default: realistic exports with shared vocabulary nodes); ``--generator socle`` uses
``bench.gen_catalogue`` (no shared nodes). The import includes the repair step and full
validation.

What one run does (fresh temporary directories; see docs/benchmarks.md, "Bulk import"):

1. Writes a catalogue of n generated datasets (``bench.gen_catalogue.make_record``: blank-node
   datasets with a slug ``dct:identifier``, 1–3 distributions, contact point, period...) as
   N-Triples, all for one publisher.
2. **Baseline**: pySHACL alone validates that whole catalogue in one call (shapes and
   vocabularies loaded beforehand, parse not counted), as DESIGN.md §7 measured it.
3. **Import**: ``socle import FILE --publisher P`` in a child process — the real CLI, full
   validation, store on disk — timed wall-clock (process start included); its peak RSS
   (VmHWM) is sampled from /proc.
4. **Re-import** of the same file (every record unchanged) and ``socle validate --all`` over
   the n stored records, timed the same way.
5. **Before**: the one-record path (``RecordService.upsert`` per record, in process) over the
   first ``--sequential-n`` datasets, the way ``socle import`` wrote before this change.
6. **Streaming**: the same import of a ``--big`` catalogue; peak RSS at n vs big.
7. **Profile**: pyinstrument over an in-process import of ``--profile-n`` datasets.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import gen_catalogue as gen
from bench.machine import machine

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "service.cli"]
PACKAGES = ("rdflib", "pyoxigraph", "pyshacl", "click", "pyinstrument")


SHARED_GENERATOR = REPO.parent / "shared" / "generators" / "dcat_catalogue.py"
GENERATOR = "socle"  # set by main's --generator (default: shared)


def write_shared(path: Path, n: int) -> None:
    """n datasets of ``../shared/generators/dcat_catalogue.py`` (seed 42) as N-Triples."""
    with path.open("w", encoding="utf-8") as out:
        subprocess.run([sys.executable, str(SHARED_GENERATOR), "--n", str(n), "--seed", "42",
                        "--format", "nt"], stdout=out, check=True)


def write_catalogue(path: Path, n: int, seed: int = 20240115) -> dict[str, Any]:
    """n datasets as N-Triples; returns the publisher they are imported for.

    ``shared`` (default): ``../shared/generators/dcat_catalogue.py``, realistic exports that
    describe each shared vocabulary node once (themes, licences, formats, places); ``socle``:
    bench.gen_catalogue, each record with its own blank nodes and no shared nodes."""
    rng = random.Random(seed)
    pubs = gen.publishers(1)
    if GENERATOR == "shared":
        write_shared(path, n)
        with path.open("rb") as f:
            lines = sum(1 for _ in f)
        pub = pubs[0]
        return {"id": pub.id, "name": pub.name, "siren": pub.siren, "triples": lines,
                "bytes": path.stat().st_size, "generator": "shared/dcat_catalogue.py"}
    lines = 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            for line in gen.blank_record_lines(gen.make_record(i, n, pubs, rng), i):
                out.write(line + "\n")
                lines += 1
    pub = pubs[0]
    return {"id": pub.id, "name": pub.name, "siren": pub.siren, "triples": lines,
            "bytes": path.stat().st_size}


def head(path: Path, n: int, dest: Path) -> Path:
    """The first n datasets of a catalogue written by write_catalogue (records are contiguous);
    for the shared generator (shared nodes first, records not contiguous), a catalogue of n
    datasets of its own."""
    if GENERATOR == "shared":
        write_catalogue(dest, n)
        return dest
    stop = f"_:r{n} "
    with path.open(encoding="utf-8") as src, dest.open("w", encoding="utf-8") as out:
        for line in src:
            if line.startswith(stop):
                break
            out.write(line)
    return dest


def run_cli(args: list[str], data: Path, env: dict[str, str],
            limit_s: float | None = None) -> dict[str, Any]:
    """Run `socle ...` in a child: wall time, CPU time (user + system of the child and its
    workers, from wait4: what the command costs whatever else the shared machine runs), exit
    code, peak RSS, RSS every ~2 s (with its worker processes: ``peak_total_rss_mb``), last
    line. With limit_s the child is stopped (SIGTERM: it cleans up) when the time is up."""
    t0 = time.perf_counter()
    series: list[tuple[float, float]] = []
    totals: list[tuple[float, float]] = []
    interrupted = False
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        proc = subprocess.Popen([*CLI, *args, "--data", str(data)], cwd=REPO, env=env,
                                stdout=out, stderr=subprocess.DEVNULL, text=True)
        next_sample, peak_total = 0.0, 0.0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter() - t0
            if now >= next_sample:
                with contextlib.suppress(OSError, ValueError):
                    own, total = _rss_mb(proc.pid)
                    series.append((round(now, 1), round(own)))
                    totals.append((round(now, 1), round(total)))
                    peak_total = max(peak_total, total)
                next_sample = now + 2
            if limit_s is not None and now > limit_s and not interrupted:
                proc.send_signal(signal.SIGTERM)  # SIGINT is ignored in background jobs
                interrupted = True
            time.sleep(0.1)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        lines = out.read().strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "returncode": proc.returncode,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "peak_total_rss_mb": round(peak_total), "interrupted": interrupted,
            "rss_series_mb": series, "rss_total_series_mb": totals,
            "last_line": lines[-1] if lines else ""}


def _rss_mb(pid: int) -> tuple[float, float]:
    """RSS of a process, and of it plus its children (the import's worker processes)."""

    def rss(p: int | str) -> float:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    own = rss(pid)
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = own
    for child in children:
        with contextlib.suppress(OSError):
            total += rss(child)
    return own, total


def stored_count(data: Path) -> int:
    from service.catalog.bookkeeping import count_records
    from service.store import open_store

    store = open_store(str(data), read_only=True)
    try:
        return count_records(store)
    finally:
        store.close()


def child_env(tmp: str) -> dict[str, str]:
    """Scratch stores of the import go under the bench's temporary directory."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOCLE_")}
    return {**clean, "PYTHONPATH": str(REPO), "SOCLE_BASE_URL": gen.BASE, "TMPDIR": tmp}


def prepare_store(data: Path, pub: dict[str, Any], env: dict[str, str]) -> None:
    subprocess.run([*CLI, "publisher", "add", pub["id"], "--name", pub["name"], "--siren",
                    pub["siren"], "--data", str(data)], cwd=REPO, env=env, check=True,
                   capture_output=True)


def pyshacl_baseline(path: Path, n: int) -> dict[str, Any]:
    from service.rdf.formats import BY_NAME
    from service.rdf.parse import parse_rdf
    from service.validation import Validator

    graph = parse_rdf(path.read_bytes(), BY_NAME["ntriples"])
    validator = Validator(engine="pyshacl")
    t0, c0 = time.perf_counter(), time.process_time()
    report = validator.validate(graph)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"n": n, "wall_s": round(seconds, 2), "cpu_s": round(cpu, 2),
            "per_s": round(n / cpu, 1), "per_wall_s": round(n / seconds, 1),
            "violations": len(report.violations), "results": len(report.results)}


def sequential_before(path: Path, pub: dict[str, Any], n: int) -> dict[str, Any]:
    """The one-record write path over the first n datasets (what `socle import` did)."""
    from service.app import build_services
    from service.catalog.publishers import add_publisher
    from service.config import Settings
    from service.errors import SocleError
    from service.rdf.formats import BY_NAME
    from service.rdf.parse import parse_rdf
    from service.rdf.records import split_catalogue

    with tempfile.TemporaryDirectory(prefix="socle-bench-seq-") as tmp:
        svc = build_services(Settings(data=tmp, base_url=gen.BASE))
        add_publisher(svc.store, gen.BASE, pub["id"], pub["name"], pub["siren"])
        first = head(path, n, Path(tmp) / "head.nt").read_bytes()
        records = split_catalogue(parse_rdf(first, BY_NAME["ntriples"]))
        t0, c0 = time.perf_counter(), time.process_time()
        created = 0
        for extracted in records:
            with contextlib.suppress(SocleError):  # counted as not created
                created += svc.records.upsert(pub["id"], extracted).outcome == "created"
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        svc.store.close()
    return {"n": len(records), "created": created, "wall_s": round(seconds, 2),
            "cpu_s": round(cpu, 2), "per_s": round(len(records) / cpu, 1),
            "per_wall_s": round(len(records) / seconds, 1)}


def profile_import(path: Path, pub: dict[str, Any], n: int, out: Path) -> dict[str, Any]:
    from pyinstrument import Profiler

    from service.app import build_services
    from service.catalog.publishers import add_publisher
    from service.config import Settings
    from service.ingest.rdf_import import import_records
    from service.ingest.stream import StoredDocument, syntax_for_path

    with tempfile.TemporaryDirectory(prefix="socle-bench-prof-") as tmp:
        first = head(path, n, Path(tmp) / "head.nt")
        svc = build_services(Settings(data=tmp + "/data", base_url=gen.BASE))
        add_publisher(svc.store, gen.BASE, pub["id"], pub["name"], pub["siren"])
        profiler = Profiler(interval=0.001)
        profiler.start()
        t0 = time.perf_counter()
        with StoredDocument(syntax_for_path(first.name), path=first) as document:
            report = import_records(svc.records, pub["id"], document.records())
        seconds = time.perf_counter() - t0
        profiler.stop()
        svc.store.close()
    out.write_text(profiler.output_text(unicode=True, show_all=False))
    return {"n": len(report.items), "seconds_profiled": round(seconds, 2),
            "summary": report.summary(), "profile": str(out)}


def _rates(run: dict[str, Any], n: int) -> None:
    run["per_s"] = round(n / run["cpu_s"], 1)  # per CPU second: load-independent
    run["per_wall_s"] = round(n / run["wall_s"], 1)


def import_run(path: Path, pub: dict[str, Any], env: dict[str, str], *, workers: int = 1,
               again: bool = False, validate_all: bool = False,
               limit_s: float | None = None) -> dict[str, Any]:
    n = pub["n"]
    out: dict[str, Any] = {"n": n, "triples": pub["triples"], "bytes": pub["bytes"],
                           "workers": workers}
    with tempfile.TemporaryDirectory(prefix="socle-bench-import-") as tmp:
        data = Path(tmp) / "data"
        prepare_store(data, pub, env)
        args = ["import", str(path), "--publisher", pub["id"], "--workers", str(workers)]
        first = run_cli(args, data, env, limit_s)
        if first["interrupted"]:  # rates over what was imported before the time limit
            first["imported"] = stored_count(data)
            first["per_s"] = round(first["imported"] / first["cpu_s"], 1)
            first["per_wall_s"] = round(first["imported"] / first["wall_s"], 1)
        else:
            _rates(first, n)
        out["import"] = first
        if again:
            second = run_cli(args, data, env)
            _rates(second, n)
            out["reimport_unchanged"] = second
        if validate_all:
            check = run_cli(["validate", "--all"], data, env)
            _rates(check, n)
            out["validate_all"] = check
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000, help="streamed import size (0: skip)")
    parser.add_argument("--big-seconds", type=float, default=None,
                        help="interrupt the streamed import after this long (shared machine)")
    parser.add_argument("--baseline-n", type=int, default=None,
                        help="datasets for the pySHACL baseline [n]")
    parser.add_argument("--sequential-n", type=int, default=1000)
    parser.add_argument("--profile-n", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2,
                        help="also import the n datasets with this many validating processes "
                             "(1: skip)")
    parser.add_argument("--big-workers", type=int, default=1,
                        help="worker processes of the streamed import")
    parser.add_argument("--single", type=int, choices=(0, 1), default=1,
                        help="0: skip the one-process import, re-import and validate --all "
                             "(only the --workers import and the baseline)")
    parser.add_argument("--generator", choices=("shared", "socle"), default="shared",
                        help="shared: ../shared/generators/dcat_catalogue.py (shared vocabulary "
                             "nodes, as real exports); socle: bench.gen_catalogue (none)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "ingest.json")
    args = parser.parse_args(argv)
    global GENERATOR
    GENERATOR = args.generator
    result: dict[str, Any] = {"machine": machine(PACKAGES), "args": vars(args) | {
        "out": str(args.out)}}
    with tempfile.TemporaryDirectory(prefix="socle-bench-ingest-") as tmp:
        env = child_env(tmp)
        small = Path(tmp) / f"catalogue-{args.n}.nt"
        pub = write_catalogue(small, args.n) | {"n": args.n}
        print(f"catalogue: {args.n} datasets, {pub['triples']:,} triples", file=sys.stderr)
        base_n = min(args.baseline_n or args.n, args.n)
        base_file = small
        if base_n != args.n:
            base_file = Path(tmp) / f"catalogue-{base_n}.nt"
            write_catalogue(base_file, base_n)
        result["baseline_pyshacl"] = pyshacl_baseline(base_file, base_n)
        print(f"baseline pySHACL: {result['baseline_pyshacl']}", file=sys.stderr)
        if args.single:
            result["small"] = import_run(small, pub, env, again=True, validate_all=True)
            print(f"import n={args.n}: {result['small']}", file=sys.stderr)
        if args.workers > 1:
            result["small_workers"] = import_run(small, pub, env, workers=args.workers)
            print(f"import n={args.n}, {args.workers} workers: {result['small_workers']}",
                  file=sys.stderr)
        seq_n = min(args.sequential_n, args.n)
        if seq_n:
            result["before_sequential"] = sequential_before(small, pub, seq_n)
            print(f"before (one upsert per record): {result['before_sequential']}",
                  file=sys.stderr)
        if args.profile_n:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            result["profile"] = profile_import(small, pub, min(args.profile_n, args.n),
                                               args.out.with_suffix(".profile.txt"))
        small.unlink()
        if args.big:
            big = Path(tmp) / f"catalogue-{args.big}.nt"
            big_pub = write_catalogue(big, args.big) | {"n": args.big}
            result["big"] = import_run(big, big_pub, env, workers=args.big_workers,
                                       limit_s=args.big_seconds)
            print(f"import n={args.big}: {result['big']}", file=sys.stderr)
    base = result["baseline_pyshacl"]["per_s"]
    result["ratios"] = {}
    imp = result["small"]["import"] if "small" in result else None
    if imp is not None:
        result["ratios"] = {
            "import_over_pyshacl_only": round(imp["per_s"] / base, 2),
            "validate_all_over_pyshacl_only": round(
                result["small"]["validate_all"]["per_s"] / base, 2),
            "reimport_unchanged_over_import": round(
                result["small"]["reimport_unchanged"]["per_s"] / imp["per_s"], 2),
        }
    if "small_workers" in result:
        workers = result["small_workers"]["import"]
        result["ratios"]["import_workers_over_pyshacl_only_wall"] = round(
            workers["per_wall_s"] / result["baseline_pyshacl"]["per_wall_s"], 2)
        result["ratios"]["import_workers_over_pyshacl_only_cpu"] = round(
            workers["per_s"] / base, 2)
    if imp is not None and "before_sequential" in result:
        result["ratios"]["import_over_before"] = round(
            imp["per_s"] / result["before_sequential"]["per_s"], 2)
    if imp is not None and "big" in result:
        result["ratios"]["peak_rss_big_over_small"] = round(
            result["big"]["import"]["peak_rss_mb"] / imp["peak_rss_mb"], 2)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_table(result)
    return 0


def print_table(r: dict[str, Any]) -> None:
    rows = [("pySHACL alone, whole catalogue (baseline)", r["baseline_pyshacl"])]
    if "before_sequential" in r:
        rows.append(("before: one upsert per record (in process)", r["before_sequential"]))
    s = r.get("small")
    for label, key in (("socle import (CLI, full validation)", "import"),
                       ("socle import again (all unchanged)", "reimport_unchanged"),
                       ("socle validate --all", "validate_all")):
        if s is not None:
            rows.append((label, s[key] | {"n": s["n"]}))
    if "small_workers" in r:
        w = r["small_workers"]
        rows.append((f"socle import --workers {w['workers']}", w["import"] | {"n": w["n"]}))
    if "big" in r:
        big = r["big"]["import"]
        label = "socle import, streamed (CLI)"
        if big.get("interrupted"):
            label += f" — interrupted after {big['imported']} datasets"
        rows.append((label, big | {"n": r["big"]["n"]}))
    print("| what | datasets | CPU s | wall s | datasets per CPU s | datasets per wall s "
          "| peak RSS MB | with workers |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, x in rows:
        print(f"| {label} | {x['n']} | {x['cpu_s']} | {x['wall_s']} | {x['per_s']} | "
              f"{x['per_wall_s']} | {x.get('peak_rss_mb', '')} | "
              f"{x.get('peak_total_rss_mb', '')} |")
    print(json.dumps(r["ratios"]))


if __name__ == "__main__":
    raise SystemExit(main())
