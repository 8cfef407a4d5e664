"""Backends benchmark: the same workload on the embedded store, an Oxigraph server and Virtuoso,
as ratios to embedded measured in the same run.

    python -m bench.backends [--n 1000] [--backends embedded,oxigraph,virtuoso]
                             [--out bench/results/backends.json]

Per backend, a fresh store and the real app (create_app; Flask's test client, no sockets
between client and app, so the figures are the app plus its store):

1. writes: n new records through RecordService.create (validation on, as a POST does), then
   n/10 changed replaces (RecordService.replace);
2. feed: the first `/catalog.ttl` page (builds the feed index from the store), then 20 pages of
   100 records across the catalogue;
3. record reads: 100 `GET /datasets/{id}.ttl`;
4. SPARQL: 4 queries through `GET /sparql` (count, GROUP BY theme, text filter, one record's
   triples), each run once to warm up, then 10 times. Service defaults throughout: on the
   embedded store the endpoint runs queries in worker processes at nice 5 (docs/sparql.md), which
   a loaded machine starves first; an external store runs them in its own server.

Servers are started by `scripts/store-oxigraph.sh` / `scripts/store-virtuoso.sh` on free ports
of 127.0.0.1 (never a port another store may already hold), stopped and removed at the end; a
backend whose server cannot start is skipped with a message. Each figure is a median per
operation; the machine, its load average before and after, and the package versions are recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.machine import machine
from bench.records import make_record

REPO = Path(__file__).resolve().parents[1]
BASE = "http://socle.bench"
DEFAULT_OUT = REPO / "bench" / "results" / "backends.json"
PACKAGES = ("flask", "rdflib", "pyoxigraph", "oxigraph", "pyshacl", "SPARQLWrapper")
BACKENDS = ("embedded", "oxigraph", "virtuoso")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SPARQL_REPEATS = 10
QUERIES = {
    "count": f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{DCAT}Dataset> }}",
    "group_by_theme": f"SELECT ?theme (COUNT(?d) AS ?n) WHERE {{ ?d a <{DCAT}Dataset> ; "
                      f"<{DCAT}theme> ?theme }} GROUP BY ?theme ORDER BY DESC(?n)",
    "text_filter": f"SELECT ?d ?title WHERE {{ ?d a <{DCAT}Dataset> ; <{DCT}title> ?title "
                   'FILTER(CONTAINS(LCASE(STR(?title)), "budget")) } LIMIT 100',
    "one_record": "SELECT ?p ?o WHERE { <IRI> ?p ?o }",
}


@contextmanager
def server(name: str) -> Iterator[dict[str, str] | None]:
    """Settings overrides for the backend (None: it could not start), stopped afterwards."""
    if name == "embedded":
        yield {}
        return
    script = f"scripts/store-{name}.sh"
    port = free_port()  # the scripts' default ports may serve someone else's store
    # Output to a file, not a pipe: the server started in the background keeps the script's
    # descriptors, and a pipe would never reach its end.
    with tempfile.TemporaryFile("w+") as log:
        started = subprocess.run(["bash", script, "start", str(port)], cwd=REPO, stdout=log,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.seek(0)
        said = log.read()
    if started.returncode != 0:
        print(f"{name}: skipped, the server did not start: {said.strip()[-400:]}", flush=True)
        yield None
        return
    try:
        base = f"http://127.0.0.1:{port}"
        if name == "oxigraph":
            yield {"store_url": f"{base}/query", "store_update": f"{base}/update",
                   "store_gsp": f"{base}/store"}
        else:
            yield {"store_url": f"{base}/sparql", "store_update": f"{base}/sparql-auth",
                   "store_user": "dba", "store_password": "dba", "store_auth": "digest"}
    finally:
        subprocess.run(["bash", script, "stop", str(port)], cwd=REPO, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        time.sleep(1)  # let the server release its files
        shutil.rmtree(REPO / ".stores" / f"{name}-{port}", ignore_errors=True)


def free_port() -> int:
    """A port free on 127.0.0.1, and its +1000 too (Virtuoso's SQL port)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 1000 > 65535:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 1000))
            except OSError:
                continue
        return port


def timed(samples: list[float], call: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    out = call()
    samples.append(time.perf_counter() - start)
    return out


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"count": len(samples), "median_ms": statistics.median(ordered) * 1000,
            "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000,
            "total_s": sum(ordered)}


def run_backend(name: str, overrides: dict[str, str], n: int, tmp: str) -> dict[str, Any]:
    from service.app import create_app
    from service.catalog.publishers import add_publisher
    from service.config import Settings
    from service.rdf.formats import TURTLE
    from service.rdf.parse import parse_rdf
    from service.store import open_for

    settings = Settings(data=f"{tmp}/{name}", base_url=BASE, **overrides)
    # The store opened here and handed over: closed by this function, not at exit (the
    # temporary directory is gone by then).
    app = create_app(Settings(data=settings.data, base_url=BASE, store=open_for(settings),
                              **overrides))
    svc, client = app.extensions["socle"], app.test_client()
    add_publisher(svc.store, BASE, "bench", "Commune de Montfort-sur-Meu", "213501882")

    def parsed(body: str):
        return parse_rdf(body.encode(), TURTLE, base_iri=f"{BASE}/datasets/")

    bodies, revised = records(n)
    documents = [parsed(body) for body in bodies]
    changes = {i: parsed(body) for i, body in revised.items()}
    ops: dict[str, list[float]] = {k: [] for k in (
        "create", "replace", "feed_first_page", "feed_page", "record_get",
        *(f"sparql_{q}" for q in QUERIES))}
    ids = [timed(ops["create"], lambda d=d: svc.records.create("bench", d)).meta.id
           for d in documents]
    for i, changed in changes.items():
        timed(ops["replace"], lambda i=i, c=changed: svc.records.replace("bench", ids[i], c))

    def get(url: str) -> bytes:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{name} {url}: {response.status_code} "
                               f"{response.get_data(as_text=True)[:300]}")
        return response.data

    timed(ops["feed_first_page"], lambda: get("/catalog.ttl?page_size=100"))
    pages = max(1, -(-n // 100))
    for k in range(20):
        timed(ops["feed_page"], lambda k=k: get(f"/catalog.ttl?page_size=100&page={k % pages + 1}"))
    for k in range(100):
        timed(ops["record_get"], lambda k=k: get(f"/datasets/{ids[(k * 7919) % n]}.ttl"))
    iri = svc.records.meta(ids[0]).iri
    accept = {"Accept": "application/sparql-results+json"}
    for q, text in QUERIES.items():
        url = "/sparql?" + urllib.parse.urlencode({"query": text.replace("IRI", iri)})
        _ok(client.get(url, headers=accept), name, url)  # warm-up (embedded: query workers)
        for _ in range(SPARQL_REPEATS):
            timed(ops[f"sparql_{q}"],
                  lambda url=url: _ok(client.get(url, headers=accept), name, url))
    counts = json.loads(client.get("/sparql?" + urllib.parse.urlencode(
        {"query": QUERIES["count"]}), headers=accept).data)
    stored = int(counts["results"]["bindings"][0]["n"]["value"])
    if stored != n:
        raise RuntimeError(f"{name}: {stored} datasets stored, {n} written")
    if svc.sparql is not None:
        svc.sparql.close()
    svc.store.close()
    return {k: summary(v) for k, v in ops.items() if v}


def records(n: int) -> tuple[list[str], dict[int, str]]:
    """n distinct records (bench/records.py's generator) and, for every tenth, a revision
    drawn with the same randomness (same record, changed description and dct:modified)."""
    rng = random.Random(20240115)
    bodies, revised = [], {}
    for i in range(n):
        state = rng.getstate()
        bodies.append(make_record(i, rng))
        if i % 10 == 0:
            again = random.Random()
            again.setstate(state)
            revised[i] = make_record(i, again, revision=1)
    return bodies, revised


def _ok(response, name: str, url: str) -> bytes:
    """The whole body, read: the test client streams it, and an endpoint answer left unread
    is a client gone away (the query worker is then killed and restarted)."""
    body = response.data
    if response.status_code != 200:
        raise RuntimeError(f"{name} {url}: {response.status_code} "
                           f"{response.get_data(as_text=True)[:300]}")
    return body


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    base = results["embedded"]
    return {name: {op: round(s["median_ms"] / base[op]["median_ms"], 3)
                   for op, s in ops.items() if base.get(op, {}).get("median_ms")}
            for name, ops in results.items() if name != "embedded"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backends",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="records written (default 1000)")
    parser.add_argument("--backends", default=",".join(BACKENDS),
                        help="comma-separated, among embedded,oxigraph,virtuoso (embedded is "
                             "always run: it is the baseline)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="JSON result file")
    args = parser.parse_args(argv)
    n = max(10, args.n)
    wanted = ["embedded"] + [b for b in args.backends.split(",") if b and b != "embedded"]
    unknown = [b for b in wanted if b not in BACKENDS]
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(unknown)}")

    info = machine(PACKAGES)
    print(f"machine: nproc={info['nproc']} cpu={info['cpu']!r} loadavg={info['loadavg']} "
          f"git={info['git']}", flush=True)
    results: dict[str, Any] = {}
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="socle-bench-backends-") as tmp:
        for name in wanted:
            with server(name) as overrides:
                if overrides is None:
                    skipped.append(name)
                    continue
                started = time.perf_counter()
                results[name] = run_backend(name, overrides, n, tmp)
                print(f"{name}: done in {time.perf_counter() - started:.1f} s", flush=True)
    out = {"n": n, "machine": info, "loadavg_after": list(os.getloadavg()),
           "results": results, "ratios_to_embedded": ratios(results), "skipped": skipped}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False))
    print(table(results))
    print(f"load average after: {out['loadavg_after']}; written to {args.out}")
    return 0


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    lines = ["| operation | " + " | ".join(f"{b} median ms" for b in names)
             + "".join(f" | {b} / embedded" for b in names[1:]) + " |",
             "|---" * (1 + 2 * len(names) - 1) + "|"]
    for op in results["embedded"]:
        base = results["embedded"][op]["median_ms"]
        cells = [f"{results[b][op]['median_ms']:.2f}" for b in names]
        cells += [f"{results[b][op]['median_ms'] / base:.2f}×" for b in names[1:]]
        lines.append(f"| {op} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
