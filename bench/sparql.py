"""SPARQL benchmark: the /sparql endpoint against a direct pyoxigraph call and plain rdflib.

    python -m bench.sparql [--n 100000] [--out bench/results/sparql.json]

One run:

0. The catalogue: n generated records bulk-loaded into an Oxigraph store, reused from
   ``bench/gen_catalogue.py`` (cached under ``bench/results/feed-store-n{n}-v{version}/``).
1. ``socle serve --data STORE`` (waitress) on 127.0.0.1 in a child process, SPARQL settings from
   the environment (``SOCLE_SPARQL_TIMEOUT`` = ``--timeout``, queue wait ``--queue-wait`` so that
   8 clients queue instead of getting 503; the rest are the service's defaults). Always stopped.
2. Latency, four catalogue queries (union default graph, records as named graphs), p50/p95 over
   ``--repeats`` (and the endpoint's query-shape check on each, timed in this process, as a
   share of the direct p50), interleaved: (a) direct ``pyoxigraph.Store.read_only(STORE).query(...,
   use_default_graph_as_union=True)`` in this process, every solution read; (b) the endpoint
   over HTTP (POST ``application/sparql-query``, JSON results, body fully read, one keep-alive
   session). Row counts must match and the answer must not be truncated. Ratio endpoint/direct.
3. rdflib: an in-memory ``rdflib.Dataset(default_union=True)`` parsed from the same generated
   N-Quads, at ``--rdflib-n`` records (default 10,000: at 100,000 records, 5.9 M quads, rdflib
   needs many GB and minutes to load), against a direct pyoxigraph call on a store of the same
   ``--rdflib-n`` records. Load time and RSS growth are recorded.
4. Throughput: ``--clients`` threads (8), each its own session, cycling through the four queries
   for ``--duration`` seconds (bounded): queries/s, p50/p95, statuses.
5. Runaway query: a triple cross product with an aggregate (runs inside Rust until killed).
   /proc is sampled every few ms for the query workers (children of the server): when the
   busy worker disappears, how much CPU it used, then the CPU use of the server's process tree
   after the kill, and the latency of a simple query right after the 504.

Results: a table on stdout and ``--out`` JSON (bench/results is git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench import gen_catalogue as gen
from bench.feed import rss_mb, say, summary
from bench.machine import machine as machine_of
from bench.serve import SocleServer

REPO = gen.REPO
BASE = gen.BASE
DEFAULT_OUT = gen.RESULTS / "sparql.json"
PACKAGES = ("flask", "werkzeug", "rdflib", "pyoxigraph", "waitress", "requests", "psutil")
TARGET_RATIO = 1.2

PREFIXES = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def queries() -> dict[str, str]:
    """The four catalogue queries, on the generated data (40 publishers, 12 subjects)."""
    publisher = gen.publishers(1)[0].iri
    return {
        "count_per_theme": PREFIXES + """
SELECT ?theme (COUNT(DISTINCT ?dataset) AS ?datasets) WHERE {
  ?dataset a dcat:Dataset ; dcat:theme ?theme .
}
GROUP BY ?theme
ORDER BY DESC(?datasets)""",
        "publisher_datasets": PREFIXES + f"""
SELECT ?dataset ?title ?distribution ?format WHERE {{
  ?dataset a dcat:Dataset ; dct:publisher <{publisher}> ; dct:title ?title .
  OPTIONAL {{ ?dataset dcat:distribution ?distribution .
             OPTIONAL {{ ?distribution dct:format ?format }} }}
}}
ORDER BY ?title""",
        "title_search": PREFIXES + """
SELECT ?dataset ?title WHERE {
  ?dataset a dcat:Dataset ; dct:title ?title .
  FILTER(CONTAINS(LCASE(STR(?title)), "budget"))
}""",
        "modified_since": PREFIXES + """
SELECT ?dataset ?title ?modified WHERE {
  ?dataset a dcat:Dataset ; dct:modified ?modified ; dct:title ?title .
  FILTER(?modified >= "2025-06-01T00:00:00Z"^^xsd:dateTime)
}
ORDER BY DESC(?modified)""",
    }


RUNAWAY = """SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"""
SIMPLE = """ASK { ?s ?p ?o }"""


def ms_since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


# -- direct calls --------------------------------------------------------------------------------
def direct(store: ox.Store, query: str) -> int:
    """Run and read every solution (each value touched), like the worker does."""
    rows = 0
    result = store.query(query, use_default_graph_as_union=True)
    for solution in result:
        for value in solution:
            _ = value
        rows += 1
    return rows


def rdflib_run(dataset: Any, query: str) -> int:
    rows = 0
    for row in dataset.query(query):
        for value in row:
            _ = value
        rows += 1
    return rows


# -- the server ----------------------------------------------------------------------------------
class Server(SocleServer):
    """The benchmark's server, started at once, with its SPARQL query workers visible."""

    def __init__(self, data: Path, log_path: Path, env: dict[str, str]) -> None:
        super().__init__(data, log_path, base_url=BASE, env=env)
        self.start()

    def session(self):
        import requests

        return requests.Session()

    def workers(self) -> list[int]:
        return [pid for pid in children(self.pid) if b"service.sparql.worker" in cmdline(pid)]


def children(pid: int) -> list[int]:
    out = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                text = Path(f"/proc/{pid}/task/{task}/children").read_text()
                out += [int(c) for c in text.split()]
    return out


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a live process (None when gone or a zombie)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    if fields[0] == "Z":
        return None
    return int(fields[11]) + int(fields[12])


def tree_ticks(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += cpu_ticks(pid) or 0
        todo += children(pid)
    return total


def post(session, url: str, query: str, timeout: float = 120.0) -> tuple[int, bytes, dict]:
    r = session.post(f"{url}/sparql", data=query.encode(), timeout=timeout,
                     headers={"Content-Type": "application/sparql-query",
                              "Accept": "application/sparql-results+json"})
    return r.status_code, r.content, r.headers


def endpoint_rows(status: int, body: bytes, headers: dict, what: str) -> int:
    if status != 200:
        raise SystemExit(f"bench: {what} answered {status}: {body[:300]!r}")
    if headers.get("Socle-Result-Truncated") != "false":
        raise SystemExit(f"bench: {what} was truncated by the endpoint's row limit")
    return len(json.loads(body)["results"]["bindings"])


# -- measurements --------------------------------------------------------------------------------
def latency(server: Server, store: ox.Store, repeats: int, warmup: int) -> dict[str, Any]:
    session = server.session()
    out: dict[str, Any] = {}
    for name, query in queries().items():
        d_ms, e_ms = [], []
        for i in range(warmup + repeats):
            t0 = time.perf_counter()
            d_rows = direct(store, query)
            dt = ms_since(t0)
            t0 = time.perf_counter()
            status, body, headers = post(session, server.url, query)
            et = ms_since(t0)
            e_rows = endpoint_rows(status, body, headers, name)
            if e_rows != d_rows:
                raise SystemExit(f"bench: {name}: endpoint {e_rows} rows, direct {d_rows}")
            if i >= warmup:
                d_ms.append(dt)
                e_ms.append(et)
        out[name] = {"rows": d_rows, "direct": summary(d_ms), "endpoint": summary(e_ms),
                     "bytes": len(body)}
        ratio = out[name]["endpoint"]["p50_ms"] / max(out[name]["direct"]["p50_ms"], 1e-6)
        out[name]["ratio_p50"] = round(ratio, 2)
        out[name]["ratio_p95"] = round(out[name]["endpoint"]["p95_ms"]
                                       / max(out[name]["direct"]["p95_ms"], 1e-6), 2)
        out[name]["meets_1_2"] = ratio <= TARGET_RATIO
        out[name]["shape_check"] = shape_cost(query, out[name]["direct"]["p50_ms"])
        say(f"{name}: rows {d_rows}, direct p50 {out[name]['direct']['p50_ms']} ms, "
            f"endpoint p50 {out[name]['endpoint']['p50_ms']} ms, ratio {ratio:.2f}")
    session.close()
    return out


def shape_cost(query: str, direct_p50_ms: float, repeats: int = 300) -> dict[str, Any]:
    """What the endpoint's shape check (update? SERVICE? FROM?) costs on this query: p50 over
    `repeats` calls in this process, and its share of the same run's direct pyoxigraph p50."""
    from service.sparql.shape import shape

    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        shape(query, BASE + "/sparql")
        times.append((time.perf_counter() - t0) * 1000)
    p50 = statistics_median(times)
    return {"p50_us": round(p50 * 1000, 1),
            "over_direct": round(p50 / max(direct_p50_ms, 1e-6), 6)}


def rdflib_compare(n: int, repeats: int, max_query_s: float,
                   directory: Path | None = None) -> dict[str, Any]:
    import rdflib

    directory = directory or gen.store_dir(n)
    gen.build_store(n, directory, log=say)
    store = ox.Store.read_only(str(directory))
    gc.collect()
    rss0 = rss_mb(os.getpid())
    t0 = time.perf_counter()
    data = "\n".join(gen.generate(n))
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=data, format="nquads")
    del data
    load_s = time.perf_counter() - t0
    gc.collect()
    rss1 = rss_mb(os.getpid())
    out: dict[str, Any] = {"n": n, "quads": len(dataset), "load_s": round(load_s, 1),
                           "rss_growth_mb": round((rss1 or 0) - (rss0 or 0), 1),
                           "rdflib": rdflib.__version__, "queries": {}}
    say(f"rdflib: {out['quads']:,} quads loaded in {load_s:.1f} s, +{out['rss_growth_mb']} MB")
    for name, query in queries().items():
        ox_ms, rl_ms = [], []
        ox_rows = direct(store, query)  # warm-up
        rl_rows = None
        for _ in range(repeats):
            t = time.perf_counter()
            direct(store, query)
            ox_ms.append(ms_since(t))
            t = time.perf_counter()
            rl_rows = rdflib_run(dataset, query)
            rl_ms.append(ms_since(t))
            if rl_ms[-1] > max_query_s * 1000:
                break
        out["queries"][name] = {
            "rows_pyoxigraph": ox_rows, "rows_rdflib": rl_rows,
            "pyoxigraph": summary(ox_ms), "rdflib": summary(rl_ms),
            "rdflib_over_pyoxigraph_p50": round(statistics_median(rl_ms)
                                                / max(statistics_median(ox_ms), 1e-6), 1)}
        say(f"rdflib {name}: {out['queries'][name]['rdflib']['p50_ms']} ms vs pyoxigraph "
            f"{out['queries'][name]['pyoxigraph']['p50_ms']} ms (rows {rl_rows}/{ox_rows})")
    del dataset
    gc.collect()
    return out


def statistics_median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


def throughput(server: Server, clients: int, duration: float) -> dict[str, Any]:
    qs = list(queries().items())
    lock = threading.Lock()
    latencies: dict[str, list[float]] = {name: [] for name, _ in qs}
    statuses: dict[str, int] = {}
    stop_at = time.monotonic() + duration

    def client(k: int) -> None:
        session = server.session()
        i = k
        while time.monotonic() < stop_at:
            name, query = qs[i % len(qs)]
            i += 1
            t = time.perf_counter()
            try:
                status, _body, _ = post(session, server.url, query, timeout=duration + 60)
            except Exception as err:  # noqa: BLE001 - counted
                status = type(err).__name__
            dt = ms_since(t)
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status == 200:
                    latencies[name].append(dt)
        session.close()

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 120)
    wall = time.perf_counter() - t0
    every = [v for values in latencies.values() for v in values]
    ok = len(every)
    out = {"clients": clients, "duration_s": round(wall, 2), "ok": ok, "statuses": statuses,
           "queries_per_s": round(ok / wall, 2),
           "all": summary(every) if every else None,
           "per_query": {name: summary(v) for name, v in latencies.items() if v}}
    say(f"throughput: {out['queries_per_s']} q/s with {clients} clients, statuses {statuses}")
    return out


def runaway(server: Server, timeout: float) -> dict[str, Any]:
    session = server.session()
    # Both workers up and idle (a simple query first).
    endpoint_rows(*post(session, server.url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1"), "warm-up")
    before = set(server.workers())
    ticks = {pid: cpu_ticks(pid) for pid in before}
    hz = os.sysconf("SC_CLK_TCK")
    result: dict[str, Any] = {"timeout_s": timeout, "workers_before": len(before)}
    answer: dict[str, Any] = {}

    def send() -> None:
        s = server.session()
        answer["t0"] = time.perf_counter()
        status, body, _ = post(s, server.url, RUNAWAY, timeout=timeout + 60)
        answer["t_answer"] = time.perf_counter()
        answer["status"] = status
        answer["type"] = json.loads(body).get("type") if body.startswith(b"{") else None
        s.close()

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    busy, busy_ticks, t_gone = None, 0, None
    bound = time.monotonic() + timeout + 60
    while time.monotonic() < bound:
        now = time.perf_counter()
        for pid in list(ticks):
            t = cpu_ticks(pid)
            if t is None:
                if pid == busy and t_gone is None:
                    t_gone = now
                continue
            if ticks[pid] is not None and t > ticks[pid] + 1 and busy is None:
                busy = pid
            if pid == busy:
                busy_ticks = t - (ticks[pid] or 0)
        if t_gone is not None:
            break
        time.sleep(0.005)
    thread.join(timeout=timeout + 60)
    if "t0" not in answer or "t_answer" not in answer:
        raise SystemExit("bench: the runaway query got no answer")
    t0 = answer["t0"]
    deadline = t0 + timeout
    result.update({
        "status": answer["status"], "problem_type": answer["type"],
        "answer_after_s": round(answer["t_answer"] - t0, 3),
        "busy_worker_found": busy is not None,
        "worker_cpu_s": round(busy_ticks / hz, 2),
        "worker_gone_after_s": round(t_gone - t0, 3) if t_gone else None,
        "gone_after_deadline_ms": round((t_gone - deadline) * 1000, 1) if t_gone else None,
        "answer_after_deadline_ms": round((answer["t_answer"] - deadline) * 1000, 1),
    })
    # CPU of the server's whole process tree over the 0.5 s after the kill (cores busy).
    a, ta = tree_ticks(server.proc.pid), time.perf_counter()
    time.sleep(0.5)
    b, tb = tree_ticks(server.proc.pid), time.perf_counter()
    result["tree_cores_busy_after"] = round((b - a) / hz / (tb - ta), 2)
    t = time.perf_counter()
    status, body, headers = post(session, server.url, SIMPLE)
    result["simple_query_after_ms"] = round(ms_since(t), 1)
    result["simple_query_status"] = status
    # The replacement worker (started in the background at the kill).
    t = time.perf_counter()
    while time.perf_counter() - t < 60 and len(server.workers()) < len(before):
        time.sleep(0.05)
    result["workers_after"] = len(server.workers())
    session.close()
    say(f"runaway: {json.dumps(result)}")
    return result


# -- report --------------------------------------------------------------------------------------
def table(result: dict[str, Any]) -> str:
    lines = [f"n={result['n']}  ({result['store']['quads']:,} quads)",
             f"{'query':<20}{'rows':>7}{'direct p50':>12}{'p95':>9}{'endpoint p50':>14}"
             f"{'p95':>9}{'ratio':>7}  ≤1.2×  shape check"]
    for name, q in result["latency"].items():
        lines.append(f"{name:<20}{q['rows']:>7}{q['direct']['p50_ms']:>12}"
                     f"{q['direct']['p95_ms']:>9}{q['endpoint']['p50_ms']:>14}"
                     f"{q['endpoint']['p95_ms']:>9}{q['ratio_p50']:>7}  "
                     f"{'yes' if q['meets_1_2'] else 'no':<5} {q['shape_check']['p50_us']} µs "
                     f"({q['shape_check']['over_direct']:.2%} of direct)")
    rl = result.get("rdflib")
    if rl:
        lines.append(f"rdflib vs pyoxigraph at n={rl['n']} (load {rl['load_s']} s, "
                     f"+{rl['rss_growth_mb']} MB):")
        for name, q in rl["queries"].items():
            lines.append(f"  {name:<20} rdflib p50 {q['rdflib']['p50_ms']} ms, pyoxigraph p50 "
                         f"{q['pyoxigraph']['p50_ms']} ms ({q['rdflib_over_pyoxigraph_p50']}×)")
    tp = result.get("throughput")
    if tp:
        lines.append(f"throughput: {tp['queries_per_s']} q/s, {tp['clients']} clients, "
                     f"p95 {tp['all']['p95_ms'] if tp['all'] else None} ms, {tp['statuses']}; "
                     f"direct one at a time {tp.get('direct_sequential_q_per_s')} q/s "
                     f"({tp.get('over_direct_sequential')}×)")
    ra = result.get("runaway")
    if ra:
        lines.append(f"runaway: {ra['status']} after {ra['answer_after_s']} s "
                     f"(timeout {ra['timeout_s']} s); worker gone "
                     f"{ra['gone_after_deadline_ms']} ms after the deadline; "
                     f"cores busy after {ra['tree_cores_busy_after']}; simple query "
                     f"{ra['simple_query_status']} in {ra['simple_query_after_ms']} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="records in the store")
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--rdflib-n", type=int, default=10_000,
                        help="records for the rdflib comparison (0: skip) [10000, capped at n]")
    parser.add_argument("--rdflib-repeats", type=int, default=5)
    parser.add_argument("--rdflib-max-query-s", type=float, default=60.0,
                        help="stop repeating an rdflib query once a run took longer")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="throughput run, seconds")
    parser.add_argument("--timeout", type=float, default=None,
                        help="SOCLE_SPARQL_TIMEOUT for the latency server [120]")
    parser.add_argument("--runaway-timeout", type=float, default=2.0,
                        help="timeout of the server restarted for the runaway query")
    parser.add_argument("--queue-wait", type=float, default=60.0,
                        help="SOCLE_SPARQL_QUEUE_WAIT (clients queue rather than get 503)")
    parser.add_argument("--worker-nice", type=int, default=None,
                        help="SOCLE_SPARQL_WORKER_NICE for the latency/throughput server "
                             "[service default, 5]; 0 = same priority as the direct call")
    parser.add_argument("--store", type=Path, default=None,
                        help="store directory [bench/results/feed-store-n{n}-v{version}]")
    args = parser.parse_args(argv)

    result: dict[str, Any] = {"n": args.n, "machine": machine_of(PACKAGES),
                              "command": "python -m bench.sparql " + " ".join(
                                  argv if argv is not None else sys.argv[1:])}
    data = args.store or gen.store_dir(args.n)
    print(f"bench.sparql: n={args.n}, store {data}", flush=True)
    result["store"] = gen.build_store(args.n, data, log=say)
    # Long enough that a slow run on a loaded machine is measured, not cut at the 10 s default.
    timeout = args.timeout or 120.0
    env = {"SOCLE_SPARQL_TIMEOUT": str(timeout), "SOCLE_SPARQL_QUEUE_WAIT": str(args.queue_wait)}
    if args.worker_nice is not None:
        env["SOCLE_SPARQL_WORKER_NICE"] = str(args.worker_nice)
    result["server_env"] = env
    out = Path(args.out)
    server = Server(data, out.with_suffix(".serve.log"), env)
    try:
        result["startup_s"] = server.startup_s
        store = ox.Store.read_only(str(data))
        result["latency"] = latency(server, store, args.repeats, args.warmup)
        del store
        result["throughput"] = throughput(server, args.clients, args.duration)
        # Baseline: the same four queries one after another, called directly (p50 of each).
        sequential = len(result["latency"]) / sum(
            q["direct"]["p50_ms"] / 1000 for q in result["latency"].values())
        result["throughput"]["direct_sequential_q_per_s"] = round(sequential, 2)
        result["throughput"]["over_direct_sequential"] = round(
            result["throughput"]["queries_per_s"] / sequential, 2)
    finally:
        server.stop()
    env2 = {**env, "SOCLE_SPARQL_TIMEOUT": str(args.runaway_timeout)}
    server = Server(data, out.with_suffix(".serve-runaway.log"), env2)
    try:
        result["runaway"] = runaway(server, args.runaway_timeout)
    finally:
        server.stop()
    rn = min(args.rdflib_n, args.n)
    if rn:
        beside = args.store.parent / f"{args.store.name}-rdflib-n{rn}" if args.store else None
        result["rdflib"] = rdflib_compare(rn, args.rdflib_repeats, args.rdflib_max_query_s,
                                          beside)
    result["targets"] = {name: q["meets_1_2"] for name, q in result["latency"].items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(table(result))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
