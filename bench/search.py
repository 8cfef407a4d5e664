"""Search benchmark: the SQLite search index (service/search) against the former in-memory one.

    python -m bench.search [--n 100000] [--queries 60] [--no-baseline] [--reuse-index]
                           [--store DIR] [--out bench/results/search.json]
                           [--generator gen|shared] [--template 500] [--budget-ms 3000]
                           [--before-ref REF]

One run:

0. The catalogue: n generated records bulk-loaded into Oxigraph (``bench/gen_catalogue.py``,
   cached under ``bench/results/feed-store-n{n}-v{version}/``, shared with ``bench.feed``),
   opened read-only. The index is built from that store (not through the write pipeline: at
   ~15 ms per validated write, 100k records would take half an hour on the shared machine).
1. Cold rebuild (``DerivedStore.rebuild`` of a derived store holding the search tables only;
   ``socle reindex`` rebuilds the feed's too) into ``bench/results/search-index-n{n}/``:
   time (reading every record graph back from the store included), file size, peak RSS.
2. Start with the index present, in a fresh process: interpreter start to the first search
   answer (imports, store open, index open, one query), then the derived store's check at
   start (``DerivedStore.check``: pending writes, record count) that serve runs in the
   background.
3. A fixed, seeded query mix (one or two words from titles, keywords and commune names,
   plurals and accents included, a few that match no record with every word and fall back;
   a quarter with a publisher filter, a quarter with a theme filter; relevance, date and title
   sorts), each answered as the search page needs it: total, first page of 20, counts for
   every facet. Uncached (the answer cache is cleared before every query) and cached, p50/p95.
   One write (``DerivedStore.written`` of one record read back from the store) is timed too.
4. Baseline in the same run: the former in-memory index (``bench/memory_search_index.py``)
   built on the same store (after the feed order index whose facts it reuses, as the app
   did), and the same words and filters (it has no sort and no fallback).

5. Before / after in the same run, on the same index and query mix, uncached: the former
   answer (``bench/search_query_before.py``: main at 84534b1, before the facet value
   combinations and the sort index walks) without a time budget, or with ``--before-ref REF``
   the answer of service/search/query.py at that git ref under ``--budget-ms``; then this
   code under ``--budget-ms`` (``service/search/budget.py``): p50, p95, max, and how many
   queries the budget stopped; ``--rounds`` alternating passes, each query's median time kept.

``--generator shared`` takes the store of ``bench/feed_store.py`` (``../shared/generators/
dcat_catalogue.py``: ``--template`` datasets through the real write path, copied to n) and
a query mix of its words, with the shapes found slow (very common stems, short prefixes,
long queries that fall back to any word).

Result: a table on stdout, JSON in ``--out``; ratios are baseline / SQLite index.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import gen_catalogue as gen
from bench.machine import machine as machine_of
from service.catalog import bookkeeping
from service.derived.source import StoreSource
from service.derived.store import DerivedStore
from service.search import SearchIndex
from service.search.db import SearchTable
from service.store import open_store

WORDS = ["deliberations", "délibérations", "budget", "budgets", "subventions", "sportifs",
         "transports", "eau", "energetique", "arbres", "marchés", "recharge", "cantine",
         "defibrillateurs", "finances", "mobilite", "patrimoine", "associations",
         "conseil municipal", "budget primitif", "qualite eau", "breteil", "montauban",
         "iffendic budget", "délibérations 2024", "budget zéphyr", "arbres licornes"]
SORT_MIX = ["relevance"] * 3 + ["date", "title"]
# For the shared generator's catalogue (bench/feed_store.py): its titles and keywords, and
# the shapes that were slow: very common stems, short prefixes, long queries that fall back
# to any word over most of the catalogue.
SHARED_WORDS = ["délibérations", "budget", "budgets", "subventions", "équipements sportifs",
                "prénoms", "recharge", "arbres", "déchèteries", "cantine", "stationnement",
                "élus", "défibrillateurs", "urbanisme", "adresses", "covoiturage",
                "bibliothèques", "eau potable", "catalogue", "conseil municipal",
                "délibérations 2024", "budget zéphyr", "commune", "pub", "col", "liste",
                "données publiques collectivité", "catalogue des données de la commune licornes",
                "liste commune données publiées zzz",
                "résultats contrôle sanitaire eau distribuée commune arbres"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(ms), 3), "p95_ms": round(pct(ms, 0.95), 3),
            "max_ms": round(max(ms), 3), "count": len(ms)}


def query_mix(count: int, publishers: list[str], seed: int = 7,
              words_list: list[str] = WORDS) -> list[tuple[str, dict, str]]:
    rng = random.Random(seed)
    themes = [f"{gen.EU}/data-theme/{t}" for t in ("GOVE", "ECON", "ENVI", "TRAN")]
    mix: list[tuple[str, dict, str]] = [("", {}, "date"), ("", {"publisher": publishers[0]},
                                                          "date"), ("", {}, "title")]
    while len(mix) < count:
        words = rng.choice(words_list)
        roll = rng.random()
        filters = ({"publisher": rng.choice(publishers)} if roll < 0.25 else
                   {"theme": rng.choice(themes)} if roll < 0.5 else {})
        mix.append((words, filters, rng.choice(SORT_MIX)))
    return mix


_START = """
import time, sys, json
t0 = time.perf_counter()
from service.derived.source import StoreSource
from service.derived.store import DerivedStore
from service.search import SearchIndex
from service.search.db import SearchTable
from service.store import open_store
store = open_store(sys.argv[1], read_only=True)
derived = DerivedStore(sys.argv[2])
derived.register(SearchTable())
index = SearchIndex(derived)
found = index.search("budgets", {})
first = time.perf_counter() - t0
t1 = time.perf_counter()
report = derived.check(StoreSource(store))
check = time.perf_counter() - t1
print(json.dumps({"first_answer_s": first, "total": found.total, "reconcile_s": check,
                  "reconcile": report}))
"""


def start_to_first_answer(store_dir: Path, index_file: Path) -> dict[str, Any]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _START, str(store_dir), str(index_file)],
                         check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    info = json.loads(out.stdout.strip().splitlines()[-1])
    return {"process_wall_s": round(wall, 2),
            "first_answer_in_process_s": round(info["first_answer_s"], 3),
            "reconcile_s": round(info["reconcile_s"], 2), "reconcile": info["reconcile"]}


def time_mix(search, mix, clear) -> tuple[list[float], list[float], list[int]]:
    uncached, cached, totals = [], [], []
    for words, filters, sort in mix:
        clear()
        t = time.perf_counter()
        found = search(words, filters, sort)
        uncached.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        search(words, filters, sort)
        cached.append((time.perf_counter() - t) * 1000)
        totals.append(found.total)
    return uncached, cached, totals


def answer_at(ref: str | None) -> Any:
    """The `answer` of service/search/query.py at git ``ref`` (read with ``git show``, loaded
    as a module beside this code), or the former one (`bench/search_query_before.py`)."""
    if ref is None:
        from bench import search_query_before

        return search_query_before.answer
    import importlib.util

    source = subprocess.run(["git", "show", f"{ref}:service/search/query.py"], cwd=gen.REPO,
                            check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader(f"search_query_at_{ref}", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    exec(compile(source, f"{ref}:service/search/query.py", "exec"), module.__dict__)  # noqa: S102
    return module.answer


def before_after(index: SearchIndex, mix: list, budget_ms: float | None,
                 rounds: int = 1, before_ref: str | None = None) -> dict[str, Any]:
    """The query mix, uncached, on the same index in this run: before (the former answer,
    `bench/search_query_before.py`, no time budget) and after (this code, under `budget_ms`),
    `rounds` times, alternating which goes first (the machine is shared: load comes and goes);
    each query's time is its median over the rounds. Queries stopped by the budget are
    counted, their time (up to the budget) kept. ``before_ref``: a git ref whose answer is the
    before (`answer_at`), under the same budget."""
    from service.search import index as search_index
    from service.search.budget import SearchTooLong

    fixed = search_index.answer
    # a ref's code runs under the same budget (it has one); the former answer had none
    passes = {"before": (answer_at(before_ref), budget_ms if before_ref else None),
              "after": (fixed, budget_ms)}
    times: dict[str, list[list[float]]] = {label: [[] for _ in mix] for label in passes}
    stopped = dict.fromkeys(passes, 0)
    for r in range(rounds):
        for label in (("before", "after") if r % 2 == 0 else ("after", "before")):
            search_index.answer, index.budget_ms = passes[label]
            try:
                for i, (words, filters, sort) in enumerate(mix):
                    index._cache.clear()
                    t = time.perf_counter()
                    try:
                        index.search(words, filters, limit=20, sort=sort)
                    except SearchTooLong:
                        stopped[label] += 1
                    times[label][i].append((time.perf_counter() - t) * 1000)
            finally:
                search_index.answer = fixed
    out: dict[str, Any] = {"budget_ms": budget_ms, "rounds": rounds}
    for label in passes:
        per_query = [statistics.median(t) for t in times[label]]
        slowest = [(round(ms, 1), w, s, sorted(f))
                   for ms, (w, f, s) in zip(per_query, mix, strict=True)]
        out[label] = {**summary(per_query), "stopped_by_budget": stopped[label],
                      "slowest": sorted(slowest, reverse=True)[:5]}
    out["ratio_before_over_after"] = {
        k: round(out["before"][f"{k}_ms"] / max(out["after"][f"{k}_ms"], 1e-6), 2)
        for k in ("p50", "p95", "max")}
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.generator == "shared":
        from bench import feed_store

        directory = feed_store.store_dir(args.n, args.template)
        info = feed_store.build(args.n, args.template)
    else:
        directory = Path(args.store) if args.store else gen.store_dir(args.n)
        info = gen.build_store(args.n, directory)
    store = open_store(str(directory), read_only=True)
    result: dict[str, Any] = {"n": args.n, "store": info, "machine": machine_of(
        ["pyoxigraph", "rdflib", "snowballstemmer", "PyStemmer"])}
    index_dir = directory.parent / f"search-index-n{args.n}"
    if not args.reuse_index:
        shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True, exist_ok=True)
    index_file = index_dir / "derived.sqlite3"
    rss0 = rss_mb()
    # A derived store holding the search tables only (the app's also holds the feed's).
    derived = DerivedStore(str(index_file))
    derived.register(SearchTable())
    index = SearchIndex(derived)
    index.budget_ms = None  # no budget but in the before/after pass
    t0 = time.perf_counter()
    docs = (len(index) if args.reuse_index and derived.built()
            else derived.rebuild(StoreSource(store)))
    rebuild_s = time.perf_counter() - t0  # ~0 with --reuse-index: no rebuild measured
    size = sum(f.stat().st_size for f in index_dir.iterdir())
    result["sqlite"] = {"rebuild_s": round(rebuild_s, 2), "docs": docs,
                        "file_mb": round(size / 1e6, 1), "max_rss_mb_before": round(rss0, 1),
                        "max_rss_mb_after": round(rss_mb(), 1)}
    result["sqlite"]["start"] = start_to_first_answer(directory, index_file)
    publishers = sorted(index.counts("publisher"))
    mix = query_mix(args.queries, publishers,
                    words_list=SHARED_WORDS if args.generator == "shared" else WORDS)
    uncached, cached, totals = time_mix(
        lambda w, f, s: index.search(w, f, limit=20, sort=s), mix, index._cache.clear)
    fallbacks = sum(index.search(w, f, sort=s).fallback for w, f, s in mix)
    result["sqlite"].update(uncached=summary(uncached), cached=summary(cached),
                            mean_total=round(statistics.mean(totals), 1),
                            fallback_queries=fallbacks, totals=totals)
    result["before_after"] = before_after(index, mix, args.budget_ms, args.rounds,
                                          args.before_ref)
    result["before_after"]["before_code"] = args.before_ref or "bench/search_query_before.py"
    meta = bookkeeping.list_records(store, limit=1)[0]
    t = time.perf_counter()
    derived.written(StoreSource(store).written([meta]))
    result["sqlite"]["update_ms"] = round((time.perf_counter() - t) * 1000, 3)
    derived.close()
    if not args.no_baseline:
        result["memory"] = baseline(store, mix)
        result["ratio_memory_over_sqlite"] = {
            "search_p50": round(result["memory"]["uncached"]["p50_ms"]
                                / max(result["sqlite"]["uncached"]["p50_ms"], 1e-6), 2),
            "search_p95": round(result["memory"]["uncached"]["p95_ms"]
                                / max(result["sqlite"]["uncached"]["p95_ms"], 1e-6), 2),
            "build_or_rebuild": round(result["memory"]["build_s"] / max(rebuild_s, 1e-6), 2),
            "ready_after_start": round(result["memory"]["build_s"] / max(
                result["sqlite"]["start"]["first_answer_in_process_s"], 1e-6), 1)}
    store.close()
    return result


def baseline(store: Any, mix: list) -> dict[str, Any]:
    from bench.memory_search_index import SearchIndex as MemoryIndex
    from service.derived.registry import open_derived
    from service.feed.index import FeedIndex

    rss0 = rss_mb()
    feed = FeedIndex(store, open_derived(store, memory=True))
    t0 = time.perf_counter()
    feed.warm()
    feed_s = time.perf_counter() - t0
    index = MemoryIndex(store, feed.entries)
    t0 = time.perf_counter()
    index.warm()
    build_s = time.perf_counter() - t0
    uncached, cached, totals = time_mix(lambda w, f, s: index.search(w, f, limit=20), mix,
                                        index._cache.clear)
    return {"build_s": round(build_s + feed_s, 2), "feed_index_build_s": round(feed_s, 2),
            "max_rss_mb_before": round(rss0, 1), "max_rss_mb_after": round(rss_mb(), 1),
            "uncached": summary(uncached), "cached": summary(cached),
            "mean_total": round(statistics.mean(totals), 1), "totals": totals}


def table(r: dict[str, Any]) -> str:
    s = r["sqlite"]
    lines = [
        f"search benchmark, n = {r['n']:,} records ({r['store']['quads']:,} quads)",
        f"  SQLite rebuild          {s['rebuild_s']:>9.2f} s   docs {s['docs']:,}   file "
        f"{s['file_mb']} MB   max RSS {s['max_rss_mb_before']:.0f} -> "
        f"{s['max_rss_mb_after']:.0f} MB",
        f"  start to first answer   {s['start']['first_answer_in_process_s']:>9.3f} s   "
        f"(process wall {s['start']['process_wall_s']} s; then check "
        f"{s['start']['reconcile_s']} s in the background)",
        f"  search uncached         p50 {s['uncached']['p50_ms']:>8.2f} ms   "
        f"p95 {s['uncached']['p95_ms']:>8.2f} ms   ({s['uncached']['count']} queries, "
        f"{s['fallback_queries']} fallbacks, mean total {s['mean_total']})",
        f"  search cached           p50 {s['cached']['p50_ms']:>8.3f} ms   "
        f"p95 {s['cached']['p95_ms']:>8.3f} ms",
        f"  one write               {s['update_ms']:>9.2f} ms",
    ]
    ba = r["before_after"]
    for label in ("before", "after"):
        b = ba[label]
        lines.append(f"  {label:6} uncached  p50 {b['p50_ms']:>8.2f} ms   "
                     f"p95 {b['p95_ms']:>8.2f} ms   max {b['max_ms']:>8.2f} ms   "
                     f"stopped by the budget {b['stopped_by_budget']}")
    lines.append(f"  before = {ba.get('before_code')}; ratios before / after: "
                 f"{ba['ratio_before_over_after']} "
                 f"(budget {ba['budget_ms']} ms after; median of {ba['rounds']} rounds)")
    if "memory" in r:
        m = r["memory"]
        lines += [
            f"  baseline in-memory build {m['build_s']:>8.2f} s   (feed index "
            f"{m['feed_index_build_s']} s included)   max RSS {m['max_rss_mb_before']:.0f} -> "
            f"{m['max_rss_mb_after']:.0f} MB",
            f"  baseline search         p50 {m['uncached']['p50_ms']:>8.2f} ms   "
            f"p95 {m['uncached']['p95_ms']:>8.2f} ms   (mean total {m['mean_total']})",
            f"  ratios memory / SQLite: {r['ratio_memory_over_sqlite']}",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--reuse-index", action="store_true",
                        help="keep the index a previous run built (queries only)")
    parser.add_argument("--store", default=None, help="store directory (default: cached)")
    parser.add_argument("--generator", choices=("gen", "shared"), default="gen",
                        help="shared: bench/feed_store.py's store from "
                             "../shared/generators/dcat_catalogue.py")
    parser.add_argument("--template", type=int, default=500,
                        help="with --generator shared: datasets generated, then copied")
    parser.add_argument("--budget-ms", type=float, default=3000,
                        help="the search time budget of the 'after' pass")
    parser.add_argument("--rounds", type=int, default=1,
                        help="before/after passes, alternating; each query's median kept")
    parser.add_argument("--before-ref", default=None,
                        help="git ref whose service/search/query.py answers the 'before' pass "
                             "(default: bench/search_query_before.py, main at 84534b1)")
    parser.add_argument("--out", default=str(gen.RESULTS / "search.json"))
    args = parser.parse_args(argv)
    # Child processes import the repo; the caller's environment is put back (the smoke test
    # runs this in the test process, whose later subprocesses must not inherit it).
    before = os.environ.get("PYTHONPATH")
    os.environ.setdefault("PYTHONPATH", str(gen.REPO))
    try:
        result = run(args)
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
