"""`socle rebase` on a generated store: time, and proof that every IRI moved.

    python -m bench.rebase --n 10000 --out bench/results/rebase.json
    python -m bench.rebase --n 2000 --backends embedded,oxigraph,virtuoso


One run (fresh temporary directory): ``bench.gen_catalogue.generate`` writes n records (graphs,
skolem IRIs, bookkeeping with validation reports) and 40 publishers under the generator's
base; they are bulk-loaded; then, each through the real CLI in a child process:

1. **Baseline**: ``socle export`` of the whole store (one read of every quad).
2. ``socle rebase NEW_URL``: one SPARQL Update moving every IRI.
3. ``socle export`` again: the quad count is unchanged, no quad holds the old base, and the
   dump equals the first one with the base replaced.

On an external store (``--backends oxigraph,virtuoso``: a server started on a free port of
127.0.0.1 by scripts/store-*.sh, see bench/backends.py) the generated dump is loaded with
``socle restore`` and the same three commands run with SOCLE_STORE* pointing at the server.
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


_ENV_OF = {"store_url": "SOCLE_STORE", "store_update": "SOCLE_STORE_UPDATE",
           "store_gsp": "SOCLE_STORE_GSP", "store_user": "SOCLE_STORE_USER",
           "store_password": "SOCLE_STORE_PASSWORD", "store_auth": "SOCLE_STORE_AUTH"}


def _cli(*args: str, data: Path, store: dict[str, str] | None = None) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCLE_")}
    env.update({_ENV_OF[k]: v for k, v in (store or {}).items()})
    if store:  # one update moving every quad: far longer than a request's default 30 s
        env["SOCLE_STORE_TIMEOUT"] = os.environ.get("SOCLE_STORE_TIMEOUT", "900")
    t0 = time.perf_counter()
    done = subprocess.run([*CLI, *args, "--data", str(data)], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: socle {' '.join(args)} failed: {done.stderr}")
    return time.perf_counter() - t0, done.stdout


def run(n: int, work: Path, store: dict[str, str] | None = None) -> dict[str, Any]:
    """One run on the embedded store (`store` None or empty) or the server it names."""
    import pyoxigraph as ox

    data = work / "data"
    dump = work / "store.nq"
    with dump.open("w", encoding="utf-8") as out:
        for line in gen.generate(n):
            out.write(line + "\n")
    if store:
        data.mkdir(parents=True, exist_ok=True)
        _cli("restore", str(dump), data=data, store=store)
        quads = sum(1 for line in dump.open(encoding="utf-8") if line.strip())
    else:
        native = ox.Store(str(data))
        native.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        native.flush()
        quads = len(native)
        del native
    (data / "socle-instance.json").write_text(json.dumps({"base_url": gen.BASE}))
    export_s, before = _cli("export", data=data, store=store)
    rebase_s, _ = _cli("rebase", NEW, data=data, store=store)
    _, after = _cli("export", data=data, store=store)
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
    parser.add_argument("--backends", default="embedded",
                        help="comma-separated, among embedded,oxigraph,virtuoso")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    from bench.backends import server

    result: dict[str, Any] = {"machine": machine(("pyoxigraph", "oxigraph"))}
    for name in args.backends.split(","):
        with server(name) as store, tempfile.TemporaryDirectory(prefix="socle-rebase-") as tmp:
            if store is not None:
                result[name] = run(args.n, Path(tmp), store)
                print(name, json.dumps(result[name]), flush=True)
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    runs = [v for k, v in result.items() if k != "machine"]
    return 0 if runs and all(r["ok"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
