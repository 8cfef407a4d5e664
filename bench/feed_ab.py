"""Feed pages and harvest over HTTP, two checkouts side by side: before/after on a shared,
loaded machine.

    python -m bench.feed_ab --before ../wt-before --n 20000 [--repeats 20] [--harvests 2]

Two `socle serve` processes, one per checkout (``--before``: another worktree, e.g. main at
the baseline commit; the after one is this checkout), each on its own copy of the feed store
(``bench/results/feed-shared-n{n}-t{template}-v1`` under each checkout: copy it there; the
after one is rebuilt by `socle reindex` when its derived store's schema changed). Requests
alternate between the two servers (the order flips each round), so the load of the moment
weighs on both alike: Turtle and N-Triples pages first/middle/last, p50 over ``--repeats``,
then full harvests as `bench/feed.py` runs them (following hydra:next, client parsing
included), alternated before/after/after/before; and the transport floor: the after
server's pages against the same bytes answered by a bare waitress app. Writes ``--out``
JSON and prints ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from bench import gen_catalogue as gen
from bench.feed import HttpClient, check, harvest, pages_for, summary, timed
from bench.feed_store import store_dir
from bench.serve import SocleServer
from service.cli.serve import OUTBUF_OVERFLOW

BASE = gen.BASE


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


# A WSGI app answering the bytes of a file per path: the transport alone (waitress, the
# same threads, output buffer and client), for the same bodies the feed sends.
_FLOOR_APP = """
import sys
from pathlib import Path
from waitress import serve
bodies = {f"/{p.name}": p.read_bytes() for p in Path(sys.argv[2]).iterdir()}
def app(environ, start):
    body = bodies[environ["PATH_INFO"]]
    start("200 OK", [("Content-Type", "application/octet-stream"),
                     ("Content-Length", str(len(body)))])
    return [body]
serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8,
      outbuf_overflow=int(sys.argv[3]))
"""


def floor(client: HttpClient, pages: dict[str, int], size: int, repeats: int,
          logs: Path) -> dict[str, Any]:
    """p50 of the after server's pages, then of the same bytes from a bare waitress app."""
    import subprocess
    import sys
    import tempfile

    import requests

    from bench.serve import free_port

    with tempfile.TemporaryDirectory() as tmp:
        for label, page in pages.items():
            for suffix in ("ttl", "nt"):
                status, body = client.get(f"/catalog.{suffix}?page={page}&page_size={size}")
                (Path(tmp) / f"{label}.{suffix}").write_bytes(body)
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-c", _FLOOR_APP, str(port), tmp,
                                 str(OUTBUF_OVERFLOW)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            bare = HttpClient(f"http://127.0.0.1:{port}", proc.pid)
            for _ in range(100):
                try:
                    requests.get(f"{bare.url}/first.nt", timeout=5)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            times: dict[str, list[float]] = {}
            for _ in range(repeats):
                for label in pages:
                    for suffix in ("ttl", "nt"):
                        for name, c in (("feed", client), ("bare", bare)):
                            path = (f"/catalog.{suffix}?page={pages[label]}&page_size={size}"
                                    if name == "feed" else f"/{label}.{suffix}")
                            ms, _ = timed(lambda c=c, p=path: c.get(p))
                            times.setdefault(f"{suffix} {label} {name}", []).append(ms)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    return {key: round(statistics.median(v), 2) for key, v in sorted(times.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the baseline checkout")
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--template", type=int, default=500)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--harvests", type=int, default=2, help="full harvests per side")
    parser.add_argument("--out", default=str(gen.RESULTS / "feed-ab.json"))
    args = parser.parse_args(argv)
    before_repo = args.before.resolve()
    sides = {"before": (before_repo, before_repo / "bench" / "results"
                        / store_dir(args.n, args.template).name),
             "after": (gen.REPO, store_dir(args.n, args.template))}
    out: dict[str, Any] = {"n": args.n, "page_size": args.page_size,
                           "command": "python -m bench.feed_ab " + " ".join(argv or []),
                           "load_start": load(), "started": time.strftime("%H:%M:%S")}
    logs = Path(args.out).with_suffix("")
    servers = {name: SocleServer(data, f"{logs}.{name}.serve.log", base_url=BASE, repo=repo,
                                 startup_timeout=900)
               for name, (repo, data) in sides.items()}
    try:
        clients: dict[str, HttpClient] = {}
        for name, server in servers.items():
            server.start()
            client = HttpClient(server.url, server.pid)
            status, body = client.get("/health")
            check(status, 200, "/health", body)
            if json.loads(body)["records"] != args.n:
                raise SystemExit(f"bench: {name} counts {json.loads(body)['records']}")
            for suffix in ("ttl", "nt"):  # the derived store's check, warm-up
                status, body = client.get(f"/catalog.{suffix}?page=1")
                check(status, 200, f"{name} first page", body[:300])
            clients[name] = client
        pages = pages_for(args.n, args.page_size)
        times: dict[tuple[str, str, str], list[float]] = {}
        sizes: dict[tuple[str, str, str], int] = {}
        order = list(clients)
        for rep in range(args.repeats + 1):
            for label, page in pages.items():
                for suffix in ("ttl", "nt"):
                    for name in order:
                        path = f"/catalog.{suffix}?page={page}&page_size={args.page_size}"
                        ms, (status, body) = timed(lambda c=clients[name], p=path: c.get(p))
                        check(status, 200, f"{name} {path}")
                        if rep:  # the first round warms up
                            times.setdefault((name, suffix, label), []).append(ms)
                        sizes[(name, suffix, label)] = len(body)
            order.reverse()
        out["pages"] = {f"{name} {suffix} {label} (page {pages[label]})":
                        {"bytes": sizes[(name, suffix, label)], **summary(v)}
                        for (name, suffix, label), v in sorted(times.items())}
        out["ratios_p50_before_over_after"] = {
            f"{suffix} {label}": round(statistics.median(times[("before", suffix, label)])
                                       / statistics.median(times[("after", suffix, label)]), 2)
            for (_, suffix, label) in times if _ == "after"}
        out["load_after_pages"] = load()
        out["floor"] = floor(clients["after"], pages, args.page_size, args.repeats, logs)
        out["harvests"] = []
        for i in range(args.harvests):
            for name in (["before", "after"] if i % 2 == 0 else ["after", "before"]):
                result = harvest(clients[name], args.n, args.page_size, 50,
                                 lambda link: link.removeprefix(BASE))
                out["harvests"].append({"side": name, "load": load(), **result})
                print(f"harvest {name}: {result['wall_s']} s ({result['requests_s']} s in "
                      f"requests, {result['client_parse_s']} s parsing)", flush=True)
    finally:
        for server in servers.values():
            server.stop()
    out["load_end"] = load()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2))
    for key, value in out["pages"].items():
        print(f"{key}: p50 {value['p50_ms']} ms, p95 {value['p95_ms']} ms, {value['bytes']} B")
    print("before/after p50:", json.dumps(out["ratios_p50_before_over_after"]))
    print("after against the same bytes from a bare waitress app (p50 ms):",
          json.dumps(out["floor"]))
    print(f"load {out['load_start']} → {out['load_end']}; written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
