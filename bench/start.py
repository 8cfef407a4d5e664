"""Start to first answer: `socle serve` on a store with its derived store present, timed from
the process start to the first feed page and, in another start, to the first search answer.

    python -m bench.start --data STORE [--before-repo ../other-checkout --before-data STORE2]
                          [--rounds 5] [--out bench/results/start.json]

Issue 18 asks both to be ≤ 2 s. Each round starts the server once per question (a start
answers one question, so neither pays for the other) and, with ``--before-repo``, does the
same with that checkout's code on its own copy of the store, alternating which goes first so
the machine's load weighs on both alike. Python may write bytecode (an installed service has
its ``.pyc``): one untimed start per checkout comes first. The store must already be indexed
by the code that serves it (`socle reindex --data STORE`), or the start rebuilds it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

from bench.machine import machine
from bench.serve import REPO, free_port

QUESTIONS = {"feed page": ("/catalog?page=1", "text/turtle"),
             "search": ("/search?q=eau", "application/json")}


def first_answer(repo: Path, data: str, path: str, accept: str, log: Path) -> float:
    """Seconds from the process start to a 200 for ``path`` (polled every 20 ms)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with log.open("ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--data", data,
                                 "--port", str(port), "--host", "127.0.0.1"],
                                cwd=repo, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            while True:
                if proc.poll() is not None:
                    raise SystemExit(f"bench: socle serve exited; see {log}")
                try:
                    answer = requests.get(f"http://127.0.0.1:{port}{path}", timeout=30,
                                          headers={"Accept": accept})
                except requests.ConnectionError:
                    time.sleep(0.02)
                    continue
                if answer.status_code != 200:
                    raise SystemExit(f"bench: {path} answered {answer.status_code}")
                return time.perf_counter() - t0
        finally:
            proc.terminate()
            proc.wait(30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True, help="store served by this checkout")
    parser.add_argument("--before-repo", type=Path, default=None)
    parser.add_argument("--before-data", default=None, help="its own copy of the store")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "start.json"))
    args = parser.parse_args(argv)
    sides: dict[str, tuple[Path, str]] = {"after": (REPO, args.data)}
    if args.before_repo:
        sides["before"] = (args.before_repo.resolve(), args.before_data or args.data)
    log = Path(args.out).with_suffix(".serve.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    for repo, data in sides.values():  # untimed: bytecode written, caches of the OS warm
        first_answer(repo, data, *QUESTIONS["feed page"], log)
    times: dict[str, dict[str, list[float]]] = {s: {q: [] for q in QUESTIONS} for s in sides}
    loads = [os.getloadavg()[0]]
    for r in range(args.rounds):
        order = list(sides) if r % 2 == 0 else list(reversed(sides))
        for question, (path, accept) in QUESTIONS.items():
            for side in order:
                repo, data = sides[side]
                times[side][question].append(first_answer(repo, data, path, accept, log))
        loads.append(os.getloadavg()[0])
    result: dict[str, Any] = {"machine": machine(("pyoxigraph", "flask", "waitress")),
                              "rounds": args.rounds, "load": [round(x, 2) for x in loads],
                              "sides": {}}
    for side, per in times.items():
        result["sides"][side] = {q: {"median_s": round(statistics.median(v), 2),
                                     "all_s": [round(x, 2) for x in v]} for q, v in per.items()}
        for question, v in per.items():
            print(f"{side:6} start to first {question}: median {statistics.median(v):.2f} s "
                  f"({', '.join(f'{x:.2f}' for x in v)})")
    print(f"load average: {min(loads):.1f}–{max(loads):.1f}")
    Path(args.out).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
