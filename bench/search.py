"""Search benchmark: the web pages' in-memory search index against SPARQL on the same store.

    python -m bench.search [--n 100000] [--queries 40] [--baseline-queries 3]
                           [--store DIR] [--out bench/results/search.json]

One run, one process:

0. The catalogue: n generated records bulk-loaded into Oxigraph (``bench/gen_catalogue.py``,
   cached under ``bench/results/feed-store-n{n}-v{version}/``, shared with ``bench.feed``),
   opened read-only.
1. The index (``service/web/search_index.py``): build time (after the feed's order index,
   whose record facts it reuses as the app does) and peak RSS; then a fixed, seeded
   query mix (one or two words from titles, keywords and commune names, half of them with a
   publisher or theme filter, plus the empty query with and without a filter), each answered
   as the search page needs it: total, first page of 20, counts for the five facets. Timed
   uncached (the answer cache is cleared before every query) and cached (the same query
   again), p50/p95. One update (``record_written``) is timed too.
2. Baseline in the same run on the same store: the same answers from SPARQL, as a page
   would get them without the index: one query for the page (``CONTAINS`` on lower-cased
   title, description and keywords, ``ORDER BY DESC(?modified) LIMIT 20``), one ``COUNT``,
   one ``GROUP BY`` per facet: 7 queries per search, for the first ``--baseline-queries``
   queries of the mix. (SPARQL cannot fold accents: its word list is the ASCII one, so it
   does a little less than the index.)

Result: a table on stdout, JSON in ``--out``; the ratio is baseline p50 / index p50.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from bench import gen_catalogue as gen
from bench.machine import machine as machine_of
from service.catalog import bookkeeping
from service.derived.registry import open_derived
from service.feed.index import FeedIndex
from service.store import open_store
from service.web.search_index import SearchIndex

WORDS = ["deliberations", "budget", "subventions", "sportifs", "transports", "eau",
         "energetique", "arbres", "marches", "recharge", "cantine", "defibrillateurs",
         "finances", "mobilite", "patrimoine", "associations", "conseil municipal",
         "budget primitif", "qualite eau", "breteil", "montauban", "iffendic budget"]
FACET_PREDICATES = {  # facet -> SPARQL pattern binding ?v for ?iri
    "publisher": None,
    "theme": f"GRAPH ?iri {{ ?iri <{gen.DCAT}theme> ?v }}",
    "format": f"GRAPH ?iri {{ ?iri <{gen.DCAT}distribution>/<{gen.DCT}format> ?v }}",
    "licence": f"GRAPH ?iri {{ ?iri <{gen.DCAT}distribution>/<{gen.DCT}license> ?v }}",
    "frequency": f"GRAPH ?iri {{ ?iri <{gen.DCT}accrualPeriodicity> ?v }}",
}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(ms), 3), "p95_ms": round(pct(ms, 0.95), 3),
            "max_ms": round(max(ms), 3), "count": len(ms)}


def query_mix(count: int, publishers: list[str], seed: int = 7) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    themes = [f"{gen.EU}/data-theme/{t}" for t in ("GOVE", "ECON", "ENVI", "TRAN")]
    mix: list[tuple[str, dict]] = [("", {}), ("", {"publisher": publishers[0]})]
    while len(mix) < count:
        words = rng.choice(WORDS)
        roll = rng.random()
        filters = ({"publisher": rng.choice(publishers)} if roll < 0.25 else
                   {"theme": rng.choice(themes)} if roll < 0.5 else {})
        mix.append((words, filters))
    return mix


def _where(words: str, filters: dict[str, str]) -> str:
    parts = [f"""GRAPH <{gen.RECORDS_GRAPH}> {{ ?rec <{gen.FOAF}primaryTopic> ?iri ;
        <{gen.SOCLE}publisherId> ?pub ; <{gen.DCT}modified> ?m }}""",
             f"GRAPH ?iri {{ ?iri <{gen.DCT}title> ?t "
             f"OPTIONAL {{ ?iri <{gen.DCT}description> ?d }} }}"]
    for w in words.split():
        parts.append(f"""FILTER(CONTAINS(LCASE(STR(?t)), "{w}") || CONTAINS(LCASE(STR(?d)), "{w}")
          || EXISTS {{ GRAPH ?iri {{ ?iri <{gen.DCAT}keyword> ?k
                       FILTER(CONTAINS(LCASE(STR(?k)), "{w}")) }} }})""")
    if "publisher" in filters:
        parts.append(f'FILTER(?pub = "{filters["publisher"]}")')
    if "theme" in filters:
        parts.append(f"GRAPH ?iri {{ ?iri <{gen.DCAT}theme> <{filters['theme']}> }}")
    return "\n".join(parts)


def sparql_search(store: Any, words: str, filters: dict[str, str]) -> dict[str, Any]:
    """What the search page needs, from SPARQL: page, total, facet counts (7 queries)."""
    where = _where(words, filters)
    page = list(store.query(f"SELECT ?iri WHERE {{ {where} }} ORDER BY DESC(?m) LIMIT 20"))
    total = next(iter(store.query(f"SELECT (COUNT(?iri) AS ?n) WHERE {{ {where} }}")))["n"]
    facets = {}
    for facet, pattern in FACET_PREDICATES.items():
        bind = "BIND(?pub AS ?v)" if pattern is None else pattern
        rows = store.query(f"SELECT ?v (COUNT(DISTINCT ?iri) AS ?c) WHERE {{ {where} {bind} }} "
                           "GROUP BY ?v ORDER BY DESC(?c)")
        facets[facet] = len(list(rows))
    return {"page": len(page), "total": int(total.value), "facet_values": facets}


def run(args: argparse.Namespace) -> dict[str, Any]:
    directory = Path(args.store) if args.store else gen.store_dir(args.n)
    info = gen.build_store(args.n, directory)
    store = open_store(str(directory), read_only=True)
    result: dict[str, Any] = {"n": args.n, "store": info, "machine": machine_of(
        ["pyoxigraph", "rdflib", "flask"])}
    rss0 = rss_mb()
    # As in the app: the feed's order index (built at start anyway) gives the record facts.
    feed = FeedIndex(store, open_derived(store))
    t0 = time.perf_counter()
    feed.warm()
    feed_s = time.perf_counter() - t0
    index = SearchIndex(store, feed.entries)
    t0 = time.perf_counter()
    index.warm()
    result["index"] = {"build_s": round(time.perf_counter() - t0, 2), "docs": len(index),
                       "feed_index_build_s": round(feed_s, 2),
                       "max_rss_mb_before": round(rss0, 1),
                       "max_rss_mb_after": round(rss_mb(), 1)}
    publishers = sorted(index.counts("publisher"))
    mix = query_mix(args.queries, publishers)
    uncached, cached, totals = [], [], []
    for words, filters in mix:
        index._cache.clear()
        t = time.perf_counter()
        found = index.search(words, filters, limit=20)
        uncached.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        index.search(words, filters, limit=20)
        cached.append((time.perf_counter() - t) * 1000)
        totals.append(found.total)
    result["index"].update(uncached=summary(uncached), cached=summary(cached),
                           mean_total=round(statistics.mean(totals), 1))
    # One write as the records service reports it (reads the record graph, re-indexes).
    meta = bookkeeping.list_records(store, limit=1)[0]
    t = time.perf_counter()
    index.record_written(meta, [], [])
    result["index"]["update_ms"] = round((time.perf_counter() - t) * 1000, 3)
    base_ms, checks = [], []
    for words, filters in mix[:args.baseline_queries]:
        t = time.perf_counter()
        answer = sparql_search(store.native, words, filters)
        base_ms.append((time.perf_counter() - t) * 1000)
        ours = index.search(words, filters, limit=20)
        checks.append({"query": words, "filters": filters, "sparql_total": answer["total"],
                       "index_total": ours.total})
    same = mix[:args.baseline_queries]
    index_same = [uncached[i] for i in range(len(same))]
    result["baseline"] = {"sparql": summary(base_ms), "index_same_queries": summary(index_same),
                          "totals": checks}
    result["ratio_sparql_over_index_p50"] = round(
        statistics.median(base_ms) / max(statistics.median(index_same), 1e-6), 1)
    store.close()
    return result


def table(r: dict[str, Any]) -> str:
    i, b = r["index"], r["baseline"]
    return "\n".join([
        f"search benchmark, n = {r['n']:,} records ({r['store']['quads']:,} quads)",
        f"  feed index build       {i['feed_index_build_s']:>10.2f} s   (its facts are reused)",
        f"  search index build     {i['build_s']:>10.2f} s   docs {i['docs']:,}   "
        f"max RSS {i['max_rss_mb_before']:.0f} -> {i['max_rss_mb_after']:.0f} MB",
        f"  index search uncached  p50 {i['uncached']['p50_ms']:>9.2f} ms   "
        f"p95 {i['uncached']['p95_ms']:>9.2f} ms   ({i['uncached']['count']} queries)",
        f"  index search cached    p50 {i['cached']['p50_ms']:>9.3f} ms   "
        f"p95 {i['cached']['p95_ms']:>9.3f} ms",
        f"  index update           {i['update_ms']:>10.2f} ms",
        f"  SPARQL (7 queries)     p50 {b['sparql']['p50_ms']:>9.1f} ms   "
        f"p95 {b['sparql']['p95_ms']:>9.1f} ms   ({b['sparql']['count']} queries)",
        f"  index, same queries    p50 {b['index_same_queries']['p50_ms']:>9.2f} ms",
        f"  ratio SPARQL / index (p50, same queries): {r['ratio_sparql_over_index_p50']}x",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--baseline-queries", type=int, default=3)
    parser.add_argument("--store", default=None, help="store directory (default: cached)")
    parser.add_argument("--out", default=str(gen.RESULTS / "search.json"))
    args = parser.parse_args(argv)
    result = run(args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
