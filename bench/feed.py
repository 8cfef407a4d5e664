"""Feed benchmark: paged /catalog at 100k records, full harvest, memory; naive SPARQL baseline.

    python -m bench.feed [--n 100000] [--out bench/results/feed.json] [--no-http]

One run:

0. The catalogue: n generated records bulk-loaded into an Oxigraph store
   (``bench/gen_catalogue.py``; not through the validating write path, which would take
   ~30 min at 100k), cached under ``bench/results/feed-store-n{n}-v{version}/``.
1. In-process, the real Flask app through Werkzeug's test client (WSGI, no sockets):
   ``/health`` must count n records; the first ``GET /catalog.ttl`` is timed on its own (it
   builds the order index), then ``GET /catalog.ttl?page=P`` for the first, middle and last
   page, interleaved, p50/p95 over ``--repeats``; a stage breakdown (order index, reading
   the record graphs, profile transform, serialisation) and a pyinstrument profile; a full
   harvest following ``hydra:next`` from page 1 with ``page_size=100`` (stops by itself when
   there is no next page, bounded at pages + 5), RSS sampled every ``--rss-every`` pages.
2. Baseline in the same process on the same store: one SPARQL CONSTRUCT per page
   (``ORDER BY ?g OFFSET n LIMIT size`` in the records graph), plus Turtle serialisation,
   for the same three pages; a full harvest that way is extrapolated (it would take hours).
3. Over real HTTP (skip with ``--no-http``; ``--no-inprocess`` runs it alone): ``socle serve``
   (waitress) on 127.0.0.1 in a child process on the same store (the in-process app is
   closed first: one process per store); same pages, same harvest with a ``requests``
   session, the child's RSS read from /proc (psutil when installed). The child is always
   stopped.

Results: a table on stdout and ``--out`` JSON (bench/results is git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench import gen_catalogue as gen
from bench.machine import machine as machine_of
from bench.serve import SocleServer
from service.feed.index import Filters

REPO = gen.REPO
BASE = gen.BASE
DEFAULT_OUT = gen.RESULTS / "feed.json"
PACKAGES = ("flask", "werkzeug", "rdflib", "pyoxigraph", "waitress", "requests",
            "pyinstrument", "psutil")
HYDRA_NEXT = ox.NamedNode("http://www.w3.org/ns/hydra/core#next")
DCAT_DATASET = ox.NamedNode("http://www.w3.org/ns/dcat#dataset")
BASELINE_QUERY = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
CONSTRUCT { ?s ?p ?o } WHERE {
  { SELECT ?g WHERE { GRAPH <urn:socle:graph:records> { ?r foaf:primaryTopic ?g } }
    ORDER BY ?g OFFSET %d LIMIT %d }
  GRAPH ?g { ?s ?p ?o } }"""


# -- small helpers -------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


def summary(ms: list[float]) -> dict[str, Any]:
    return {"count": len(ms), "p50_ms": round(statistics.median(ms), 2),
            "p95_ms": round(pct(ms, 95), 2), "min_ms": round(min(ms), 2),
            "max_ms": round(max(ms), 2), "mean_ms": round(statistics.fmean(ms), 2)}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process, in MB (psutil if installed, else /proc)."""
    try:
        import psutil

        return round(psutil.Process(pid).memory_info().rss / 2**20, 1)
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - process gone
        return None
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def machine() -> dict[str, Any]:
    return machine_of(PACKAGES)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def check(status: int, expected: int, what: str, body: Any = None) -> None:
    if status != expected:
        raise SystemExit(f"bench: {what} answered {status}, expected {expected}: "
                         f"{str(body)[:500]}")


def page_links(body: bytes) -> tuple[str | None, list[str]]:
    """What a harvester takes from a page: the hydra:next link and the datasets listed."""
    nxt, datasets = None, []
    for t in ox.parse(body, format=ox.RdfFormat.TURTLE):
        if t.predicate == HYDRA_NEXT:
            nxt = t.object.value
        elif t.predicate == DCAT_DATASET:
            datasets.append(t.object.value)
    return nxt, datasets


def pages_for(n: int, size: int) -> dict[str, int]:
    last = max(1, -(-n // size))
    return {"first": 1, "middle": (last + 1) // 2, "last": last}


# -- the client side, shared by both transports ---------------------------------------------------
class Client:
    """GET a path, answer (status, body bytes); ``pid`` is the server process (for RSS)."""

    pid: int

    def get(self, path: str) -> tuple[int, bytes]:
        raise NotImplementedError


class TestClient(Client):
    def __init__(self, app: Any) -> None:
        self._client = app.test_client()
        self.pid = os.getpid()

    def get(self, path: str) -> tuple[int, bytes]:
        r = self._client.get(path)
        return r.status_code, r.get_data()


class HttpClient(Client):
    def __init__(self, url: str, pid: int) -> None:
        import requests

        self.url = url
        self.pid = pid
        self._session = requests.Session()

    def get(self, path: str) -> tuple[int, bytes]:
        r = self._session.get(f"{self.url}{path}", timeout=600)
        return r.status_code, r.content


def measure_pages(client: Client, n: int, size: int, repeats: int,
                  warmup: int = 2, suffix: str = "ttl") -> dict[str, Any]:
    """First request alone (the derived store's check at start), then first/middle/last
    pages interleaved."""
    out: dict[str, Any] = {}
    status, body = client.get("/health")
    check(status, 200, "/health", body)
    out["health_records"] = json.loads(body)["records"]
    if out["health_records"] != n:
        raise SystemExit(f"bench: /health counts {out['health_records']} records, expected {n}")
    rss0 = rss_mb(client.pid)
    ms, (status, body) = timed(lambda: client.get(f"/catalog.{suffix}?page=1&page_size={size}"))
    check(status, 200, "first GET /catalog.ttl", body)
    out["first_request_ms"] = round(ms, 1)
    out["rss_mb_before_first_request"] = rss0
    out["rss_mb_after_first_request"] = rss_mb(client.pid)
    pages = pages_for(n, size)
    times: dict[str, list[float]] = {k: [] for k in pages}
    sizes: dict[str, int] = {}
    for rep in range(warmup + repeats):
        for label, page in pages.items():
            ms, (status, body) = timed(
                lambda p=page: client.get(f"/catalog.{suffix}?page={p}&page_size={size}"))
            check(status, 200, f"GET /catalog.{suffix}?page={page}", body[:300])
            if rep >= warmup:
                times[label].append(ms)
            if label not in sizes:
                nxt, datasets = page_links(body)
                expected = size if page < pages["last"] else n - size * (pages["last"] - 1)
                if len(datasets) != expected:
                    raise SystemExit(f"bench: page {page} lists {len(datasets)} datasets, "
                                     f"expected {expected}")
                sizes[label] = len(body)
                out.setdefault("triples_per_page", {})[label] = sum(
                    1 for _ in ox.parse(body, format=ox.RdfFormat.TURTLE))
    out["pages"] = {label: {"page": pages[label], "bytes": sizes[label], **summary(times[label])}
                    for label in pages}
    return out


def harvest(client: Client, n: int, size: int, rss_every: int,
            to_path: Callable[[str], str]) -> dict[str, Any]:
    """Page like a harvester: from page 1, follow hydra:next until there is none."""
    bound = -(-n // size) + 5
    path = f"/catalog.ttl?page_size={size}"
    seen: set[str] = set()
    listed = 0
    request_ms: list[float] = []
    parse_ms = 0.0
    rss: list[tuple[int, float | None]] = [(0, rss_mb(client.pid))]
    wall = time.perf_counter()
    pages = 0
    while path is not None:
        if pages >= bound:
            raise SystemExit(f"bench: harvest did not stop after {bound} pages")
        ms, (status, body) = timed(lambda p=path: client.get(p))
        check(status, 200, f"harvest GET {path}", body[:300])
        request_ms.append(ms)
        pages += 1
        t0 = time.perf_counter()
        nxt, datasets = page_links(body)
        parse_ms += (time.perf_counter() - t0) * 1000
        listed += len(datasets)
        seen.update(datasets)
        path = to_path(nxt) if nxt else None
        if pages % rss_every == 0 or path is None:
            rss.append((pages, rss_mb(client.pid)))
    wall_s = time.perf_counter() - wall
    if listed != n or len(seen) != n:
        raise SystemExit(f"bench: harvest listed {listed} datasets ({len(seen)} distinct), "
                         f"expected {n}")
    values = [v for p, v in rss if v is not None and p >= min(10, pages)]
    return {"pages": pages, "datasets": listed, "distinct": len(seen),
            "wall_s": round(wall_s, 2), "requests_s": round(sum(request_ms) / 1000, 2),
            "client_parse_s": round(parse_ms / 1000, 2), "request": summary(request_ms),
            "rss_mb": rss,
            "rss_growth_mb_after_page_10": round(max(values) - min(values), 1) if values
            else None}


def to_test_path(url: str) -> str:
    return url.removeprefix(BASE)


# -- in-process extras: stage breakdown, profile, baseline --------------------------------------
@contextlib.contextmanager
def stage_timer(svc: Any) -> Iterator[dict[str, list[float]]]:
    """Wrap what the feed view calls; record graphs are materialised so reads time apart."""
    from service.feed import views

    times: dict[str, list[float]] = {}

    def wrap(name: str, func: Callable, materialise: bool = False) -> Callable:
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            result = func(*args, **kwargs)
            if materialise:
                result = list(result)
            times.setdefault(name, []).append((time.perf_counter() - start) * 1000)
            return result
        return wrapper

    index = svc.feed_index
    real_feed_profile, real_serialize = views.feed_profile, views._serialize
    real_records, real_assemble = views.record_triples, views.assemble
    real_parse = views.parse_lines
    index.page = wrap("order index and stored output (FeedIndex.page, SQLite)", index.page)
    views.record_triples = wrap("parse stored N-Triples (texts path)", real_records, True)
    views.assemble = wrap("assemble stored output (feed/assemble.py)", real_assemble)
    views.parse_lines = wrap("parse N-Triples (enrichment)", real_parse)

    def feed_profile(name):
        transform, graphs = real_feed_profile(name)
        return wrap("profile transform (texts path)", transform), graphs

    views.feed_profile = feed_profile
    views._serialize = wrap("serialise head (ox.serialize)", real_serialize)
    try:
        yield times
    finally:
        del index.page
        views.feed_profile, views._serialize = real_feed_profile, real_serialize
        views.record_triples, views.assemble = real_records, real_assemble
        views.parse_lines = real_parse


def stage_breakdown(client: Client, svc: Any, page: int, size: int,
                    repeats: int) -> dict[str, Any]:
    totals: list[float] = []
    with stage_timer(svc) as times:
        for _ in range(repeats):
            ms, (status, _body) = timed(
                lambda: client.get(f"/catalog.ttl?page={page}&page_size={size}"))
            check(status, 200, "stage GET")
            totals.append(ms)
    out = {name: summary(v) for name, v in times.items()}
    out["whole request"] = summary(totals)
    rest = statistics.median(totals) - sum(statistics.median(v) for v in times.values())
    out["rest (Flask, catalogue node, Hydra, ETag)"] = {"p50_ms": round(rest, 2)}
    return out


def profile_pages(client: Client, page: int, size: int, repeats: int,
                  text_path: Path) -> dict[str, Any] | None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        return None
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(repeats):
        client.get(f"/catalog.ttl?page={page}&page_size={size}")
    profiler.stop()
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    text_path.parent.mkdir(parents=True, exist_ok=True)
    text_path.write_text(text)
    return {"requests": repeats, "text": str(text_path)}


def baseline(store: ox.Store, n: int, size: int, repeats: int) -> dict[str, Any]:
    """One SPARQL CONSTRUCT per page, as a naive implementation does, serialised to Turtle."""
    out: dict[str, Any] = {"query": BASELINE_QUERY % (0, size), "pages": {}}
    for label, page in pages_for(n, size).items():
        query_ms, total_ms = [], []
        triples = 0
        for _ in range(repeats):
            t0 = time.perf_counter()
            result = list(store.query(BASELINE_QUERY % ((page - 1) * size, size)))
            t1 = time.perf_counter()
            ox.serialize(result, format=ox.RdfFormat.TURTLE)
            t2 = time.perf_counter()
            query_ms.append((t1 - t0) * 1000)
            total_ms.append((t2 - t0) * 1000)
            triples = len(result)
        out["pages"][label] = {"page": page, "triples": triples,
                               "query": summary(query_ms), **summary(total_ms)}
    p50s = [v["p50_ms"] for v in out["pages"].values()]
    count = -(-n // size)
    out["harvest_estimate_s"] = round(statistics.fmean(p50s) * count / 1000, 1)
    out["harvest_estimate_note"] = (f"{count} pages × mean of the first/middle/last page p50; "
                                    "extrapolated, not run")
    return out


# -- transports ----------------------------------------------------------------------------------
def run_inprocess(args: argparse.Namespace, data: Path) -> dict[str, Any]:
    from bench.feed_costs import page_costs, write_costs
    from service.app import create_app
    from service.config import Settings

    t0 = time.perf_counter()
    app = create_app(Settings(data=str(data), base_url=BASE))
    out: dict[str, Any] = {"transport": "Flask test client (in-process WSGI, no sockets)",
                           "app_startup_s": round(time.perf_counter() - t0, 2)}
    svc = app.extensions["socle"]
    client = TestClient(app)
    try:
        out.update(measure_pages(client, args.n, args.page_size, args.repeats))
        out["derived_check_at_start"] = svc.feed_index.last_check
        out["pages_nt"] = measure_pages(client, args.n, args.page_size, args.repeats,
                                        suffix="nt")["pages"]
        say(f"in-process pages: {json.dumps(out['pages'])} nt {json.dumps(out['pages_nt'])}")
        out["index_entries"] = svc.feed_index.page(Filters(), 0, 1).total
        out["page_costs"] = page_costs(svc, pages_for(args.n, args.page_size),
                                       args.page_size, args.repeats)
        say(f"page costs: {json.dumps(out['page_costs'])}")
        middle = pages_for(args.n, args.page_size)["middle"]
        out["stages_middle_page"] = stage_breakdown(client, svc, middle, args.page_size,
                                                    args.repeats)
        if args.profile:
            out["profile"] = profile_pages(client, middle, args.page_size, args.repeats,
                                           Path(args.out).with_suffix(".profile.txt"))
        say(f"in-process stages: {json.dumps(out['stages_middle_page'])}")
        out["harvest"] = harvest(client, args.n, args.page_size, args.rss_every, to_test_path)
        say(f"in-process harvest: {out['harvest']['wall_s']} s")
        if args.baseline_repeats:
            out["baseline"] = baseline(svc.store.native, args.n, args.page_size,
                                       args.baseline_repeats)
        if args.writes and args.generator == "shared":
            from bench.feed_store import GENERATOR

            publisher = gen.publishers(1)[0].id
            out["writes"] = write_costs(svc, str(GENERATOR), publisher, args.writes)
            say(f"writes: {json.dumps(out['writes'])}")
    finally:
        svc.store.close()
    return out


def run_http(args: argparse.Namespace, data: Path, startup_timeout: float = 120.0
             ) -> dict[str, Any]:
    server = SocleServer(data, Path(args.out).with_suffix(".serve.log"), base_url=BASE,
                         startup_timeout=startup_timeout)
    # The store's IRIs are under BASE: the server mints links under it too, and the client
    # maps them to the real address (a harvester would follow them as they are).
    with server:
        out: dict[str, Any] = {"transport": "socle serve (waitress, 8 threads) on 127.0.0.1, "
                                            "requests keep-alive session, one client",
                               "server_pid": server.pid}
        url = server.url
        out["startup_s"] = server.startup_s
        client = HttpClient(url, server.pid)
        out.update(measure_pages(client, args.n, args.page_size, args.repeats))
        out["start_to_first_page_s"] = round(out["startup_s"] + out["first_request_ms"] / 1000,
                                             2)
        out["pages_nt"] = measure_pages(client, args.n, args.page_size, args.repeats,
                                        suffix="nt")["pages"]
        say(f"HTTP pages: {json.dumps(out['pages'])} nt {json.dumps(out['pages_nt'])}")
        out["harvest"] = harvest(client, args.n, args.page_size, args.rss_every,
                                 lambda link: link.removeprefix(BASE))
    return out


# -- report --------------------------------------------------------------------------------------
def ratios(result: dict[str, Any]) -> dict[str, Any]:
    inproc = result.get("inprocess", {})
    base = inproc.get("baseline")
    if not base:
        return {}
    out: dict[str, Any] = {}
    for where in ("inprocess", "http"):
        pages = result.get(where, {}).get("pages")
        if not pages:
            continue
        for label, figures in pages.items():
            out[f"{where}_{label}_baseline_over_feed_p50"] = round(
                base["pages"][label]["p50_ms"] / figures["p50_ms"], 1)
        wall = result[where]["harvest"]["wall_s"]
        out[f"{where}_harvest_baseline_estimate_over_feed"] = round(
            base["harvest_estimate_s"] / wall, 1)
    return out


def targets(result: dict[str, Any], size: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for where in ("inprocess", "http"):
        r = result.get(where)
        if not r:
            continue
        worst = max(v["p50_ms"] for v in r["pages"].values())
        out[f"{where}_page_p50_le_50ms"] = {"worst_p50_ms": worst, "met": worst <= 50}
        out[f"{where}_harvest_le_90s"] = {"wall_s": r["harvest"]["wall_s"],
                                          "pages": r["harvest"]["pages"],
                                          "met": r["harvest"]["wall_s"] <= 90}
        out[f"{where}_rss_growth_mb_after_page_10"] = r["harvest"]["rss_growth_mb_after_page_10"]
    return out


def table(result: dict[str, Any]) -> str:
    lines = ["| transport | what | p50 ms | p95 ms |", "|---|---|---:|---:|"]
    for where, name in (("inprocess", "test client"), ("http", "HTTP (waitress)")):
        r = result.get(where)
        if not r:
            continue
        for label, v in r["pages"].items():
            lines.append(f"| {name} | GET /catalog.ttl page {v['page']} ({label}, "
                         f"{v['bytes'] // 1024} KiB) | {v['p50_ms']} | {v['p95_ms']} |")
        h = r["harvest"]
        lines.append(f"| {name} | full harvest: {h['pages']} pages, {h['datasets']} datasets | "
                     f"{h['request']['p50_ms']} | {h['request']['p95_ms']} |")
    base = result.get("inprocess", {}).get("baseline")
    if base:
        for label, v in base["pages"].items():
            lines.append(f"| baseline (pyoxigraph CONSTRUCT + Turtle) | page {v['page']} "
                         f"({label}) | {v['p50_ms']} | {v['p95_ms']} |")
    lines.append("")
    for where in ("inprocess", "http"):
        r = result.get(where)
        if not r:
            continue
        h = r["harvest"]
        lines.append(f"{where}: first request (index build) {r['first_request_ms']} ms; "
                     f"harvest {h['wall_s']} s wall ({h['requests_s']} s in requests, "
                     f"{h['client_parse_s']} s client parsing); RSS MB "
                     f"{r['rss_mb_before_first_request']} → {r['rss_mb_after_first_request']} "
                     f"(index) → {[v for _, v in h['rss_mb']][-1]} (end of harvest), growth "
                     f"after page 10: {h['rss_growth_mb_after_page_10']} MB")
    costs = result.get("inprocess", {}).get("page_costs")
    if costs:
        lines.append("| page | syntax | before (store graphs) ms | derived (texts) ms | "
                     "stored output ms | serialisation floor ms | stored / floor | "
                     "derived / stored |")
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
        for v in costs.values():
            for name in ("ttl", "nt"):
                c = v[name]
                lines.append(f"| {v['page']} | {name} | {c['before_ms']} | {c['derived_ms']} | "
                             f"{c['stored_ms']} | {c['floor_ms']} | "
                             f"{c['stored_ms'] / c['floor_ms']:.2f} | "
                             f"{c['derived_ms'] / c['stored_ms']:.1f} |")
    for where in ("inprocess", "http"):
        nt = result.get(where, {}).get("pages_nt")
        if nt:
            lines.append(f"{where} N-Triples pages p50 ms: " + ", ".join(
                f"page {v['page']} {v['p50_ms']}" for v in nt.values()))
    if "start_to_first_page_s" in result.get("http", {}):
        lines.append(f"HTTP start to first page: {result['http']['start_to_first_page_s']} s")
    if "writes" in result.get("inprocess", {}):
        lines.append(f"writes (one record per call): {json.dumps(result['inprocess']['writes'])}")
    if base:
        lines.append(f"baseline full harvest (estimate): {base['harvest_estimate_s']} s")
    stages = result.get("inprocess", {}).get("stages_middle_page")
    if stages:
        lines.append("stages, middle page (p50 ms): " + ", ".join(
            f"{k} {v['p50_ms']}" for k, v in stages.items()))
    lines.append(f"ratios: {json.dumps(result.get('ratios', {}))}")
    lines.append(f"targets: {json.dumps(result.get('targets', {}))}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="records in the store")
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=30, help="timed requests per page")
    parser.add_argument("--baseline-repeats", type=int, default=3,
                        help="CONSTRUCT runs per page (0: no baseline)")
    parser.add_argument("--rss-every", type=int, default=50, help="sample RSS every N pages")
    parser.add_argument("--no-http", action="store_true", help="skip the socle serve run")
    parser.add_argument("--no-inprocess", action="store_true",
                        help="skip the in-process run (test client, costs, baseline, writes)")
    parser.add_argument("--no-profile", dest="profile", action="store_false")
    parser.add_argument("--store", type=Path, default=None,
                        help="store directory [bench/results/feed-store-n{n}-v{version}]")
    parser.add_argument("--force-gen", action="store_true", help="regenerate the store")
    parser.add_argument("--generator", choices=("shared", "socle"), default="shared",
                        help="shared: ../shared/generators/dcat_catalogue.py templates "
                             "(bench/feed_store.py); socle: bench/gen_catalogue.py")
    parser.add_argument("--template", type=int, default=500,
                        help="shared: datasets through the write path, copied up to n")
    parser.add_argument("--writes", type=int, default=30,
                        help="one-record writes timed with and without the derived store")
    args = parser.parse_args(argv)

    result: dict[str, Any] = {"n": args.n, "page_size": args.page_size, "machine": machine(),
                              "command": "python -m bench.feed " + " ".join(
                                  argv if argv is not None else sys.argv[1:])}
    if args.generator == "shared":
        from bench.feed_store import build, store_dir

        data = store_dir(args.n, args.template)
        print(f"bench.feed: n={args.n}, store {data}", flush=True)
        result["store"] = build(args.n, args.template, force=args.force_gen, log=say)
    else:
        data = args.store or gen.store_dir(args.n)
        print(f"bench.feed: n={args.n}, store {data}", flush=True)
        result["store"] = gen.build_store(args.n, data, force=args.force_gen)
    print(f"store: {json.dumps(result['store'])}", flush=True)
    if not args.no_inprocess:
        result["inprocess"] = run_inprocess(args, data)
        print("in-process run done", flush=True)
    if not args.no_http:
        result["http"] = run_http(args, data)
        print("HTTP run done", flush=True)
    result["ratios"] = ratios(result)
    result["targets"] = targets(result, args.page_size)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(table(result))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
