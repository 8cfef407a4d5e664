"""`socle rebase` on a generated store: time, and proof that every IRI moved.

    python -m bench.rebase --n 10000 --out bench/results/rebase.json

One run (fresh temporary directory): ``bench.gen_catalogue.generate`` writes n records (graphs,
skolem IRIs, bookkeeping with validation reports) and 40 publishers under the generator's
base; they are bulk-loaded; then, each through the real CLI in a child process:

1. **Baseline**: ``socle export`` of the whole store (one read of every quad).
2. ``socle rebase NEW_URL``: one SPARQL Update moving every IRI.
3. ``socle export`` again: the quad count is unchanged, no quad holds the old base, and the
   dump equals the first one with the base replaced.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import gen_catalogue as gen
from bench.machine import machine

CLI = [sys.executable, "-m", "service.cli"]
NEW = "https://catalogue.example.fr/donnees"


def _cli(*args: str, data: Path) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCLE_")}
    t0 = time.perf_counter()
    done = subprocess.run([*CLI, *args, "--data", str(data)], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: socle {' '.join(args)} failed: {done.stderr}")
    return time.perf_counter() - t0, done.stdout


def run(n: int, work: Path) -> dict[str, Any]:
    import pyoxigraph as ox

    data = work / "data"
    dump = work / "store.nq"
    with dump.open("w", encoding="utf-8") as out:
        for line in gen.generate(n):
            out.write(line + "\n")
    store = ox.Store(str(data))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    quads = len(store)
    del store
    (data / "socle-instance.json").write_text(json.dumps({"base_url": gen.BASE}))
    export_s, before = _cli("export", data=data)
    rebase_s, _ = _cli("rebase", NEW, data=data)
    _, after = _cli("export", data=data)
    moved = sorted(before.replace(f"{gen.BASE}/", f"{NEW}/").splitlines())
    checks = {"same_count": len(after.splitlines()) == quads,
              "old_base_left": after.count(gen.BASE),
              "equal_to_substituted_dump": sorted(after.splitlines()) == moved}
    return {"n": n, "quads": quads, "export_s": round(export_s, 2),
            "rebase_s": round(rebase_s, 2), "ratio_to_export": round(rebase_s / export_s, 2),
            "checks": checks,
            "ok": checks["same_count"] and not checks["old_base_left"]
            and checks["equal_to_substituted_dump"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="socle-rebase-") as tmp:
        result = {"machine": machine(("pyoxigraph",)), **run(args.n, Path(tmp))}
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
