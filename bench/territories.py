"""Territories benchmark: loading the shipped registry, resolving names, the dashboard.

    python -m bench.territories [--n 5] [--out bench/results/territories.json]

Measured in one process, medians of n runs:
- `Registry()` from vocab/territories.tsv.gz (what the first lookup of a process pays; the
  registry is lazy, so application start-up pays nothing);
- baseline 1, same run: the same file read with `csv.DictReader` into dicts (the obvious way);
- baseline 2, same run, when scripts/build-territories.py left the npm package in the cache:
  `json.load` of the package's communes.json + epci.json (reading the source directly);
- the name index (built on the first name lookup) and `resolve()` per call;
- the obligation dashboard of Rennes Métropole and of Ille-et-Vilaine over a fresh store with
  the 10 largest communes of the EPCI as publishers.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import statistics
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.machine import machine as machine_of

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "territories.json"
NAMES = ["Rennes", "saint-malo", "Saint-Denis (93)", "L'Haÿ-les-Roses", "Bretagne", "35",
         "243500139", "Montfort-sur-Meu", "Arbignieu", "Nullepartville"]


def _median(func: Callable[[], Any], n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _csv_baseline(path: Path) -> list[dict[str, str]]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    lines = [line for line in text.split("\n") if line and not line.startswith("#")]
    header = text.split("# columns: ", 1)[1].split("\n", 1)[0].split("\t")
    return list(csv.DictReader(io.StringIO("\n".join(lines)), fieldnames=header,
                               delimiter="\t"))


def _npm_baseline(tgz: Path) -> int:
    with tarfile.open(tgz) as tar:
        communes = json.load(tar.extractfile("package/data/communes.json"))  # type: ignore
        epci = json.load(tar.extractfile("package/data/epci.json"))  # type: ignore
    return len(communes) + len(epci)


def run(n: int) -> dict[str, Any]:
    from service.territories.registry import REGISTRY_FILE, Registry

    result: dict[str, Any] = {"n": n, "file_bytes": REGISTRY_FILE.stat().st_size}
    result["registry_load_s"] = _median(Registry, n)
    result["baseline_csv_dictreader_s"] = _median(lambda: _csv_baseline(REGISTRY_FILE), n)
    reg = Registry()
    result["rows"] = len(reg.territories)
    result["version"] = reg.version
    cache = Path.home() / ".cache" / "socle" / "decoupage-administratif"
    tgz = cache / f"etalab-decoupage-administratif-{reg.version}.tgz"
    if tgz.is_file():
        result["baseline_npm_json_s"] = _median(lambda: _npm_baseline(tgz), n)
    start = time.perf_counter()
    reg.by_name("Rennes")
    result["name_index_build_s"] = time.perf_counter() - start
    from service.territories.resolve import resolve

    calls = max(n, 1) * 200
    start = time.perf_counter()
    for i in range(calls):
        resolve(NAMES[i % len(NAMES)], reg)
    result["resolve_us"] = (time.perf_counter() - start) / calls * 1e6
    result.update(_dashboard(reg, n))
    result["ratios"] = {
        "csv_baseline_over_registry": result["baseline_csv_dictreader_s"]
        / result["registry_load_s"]}
    if "baseline_npm_json_s" in result:
        result["ratios"]["npm_json_over_registry"] = (result["baseline_npm_json_s"]
                                                      / result["registry_load_s"])
    return result


def _dashboard(reg: Any, n: int) -> dict[str, float]:
    from service.store import open_store
    from service.territories.obligation import dashboard
    from service.territories.publishers import add_by_siren

    epci = reg.by_siren["243500139"]
    largest = sorted(reg.communes_of(epci), key=lambda c: -(c.legal_population or 0))[:10]
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "data"))
        try:
            for commune in largest:
                add_by_siren(store, "http://socle.bench", commune.siren, reg=reg)
            return {
                "dashboard_epci_s": _median(lambda: dashboard(store, epci, 3500, reg), n),
                "dashboard_departement_s": _median(
                    lambda: dashboard(store, reg.get("DEP", "35"), 3500, reg), n),
            }
        finally:
            store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    result = {"machine": machine_of(["pyoxigraph", "rdflib", "flask"]), **run(args.n)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"registry load {result['registry_load_s'] * 1000:.0f} ms ({result['rows']} rows), "
          f"csv.DictReader baseline {result['baseline_csv_dictreader_s'] * 1000:.0f} ms, "
          f"name index {result['name_index_build_s'] * 1000:.0f} ms, "
          f"resolve {result['resolve_us']:.0f} µs, dashboard EPCI "
          f"{result['dashboard_epci_s'] * 1000:.0f} ms, département "
          f"{result['dashboard_departement_s'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
