"""Cost of the parsing guards (issue 21): depth/budget scans and parse workers, as ratios to
the unguarded parse of the same documents measured in the same run.

    .venv/bin/python -m bench.parse_guard [--records 200] [--catalogue 3000]

* one record (what POST /datasets and /validate receive): parse to an rdflib graph in the
  request's thread without scans (baseline), with the scans, and through a parse worker;
* one catalogue of --catalogue records as Turtle (what an HTTP import receives): Oxigraph's
  parse alone (baseline) and with the scans and the budget.
Records come from bench/gen_catalogue.py (realistic DCAT-AP records).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

import pyoxigraph as ox

from bench.gen_catalogue import make_record, publishers, record_turtle
from bench.machine import machine
from service.rdf.formats import BY_NAME
from service.rdf.isolate import Isolation, ParsePool
from service.rdf.limits import DOCUMENT, OPERATOR, RECORD
from service.rdf.parse import parse_quads, to_rdflib

TURTLE = BY_NAME["turtle"]


def _unguarded(data: bytes) -> list[ox.Quad]:
    return list(ox.parse(data, format=ox.RdfFormat.TURTLE))


def _median_ms(fn, docs: list[bytes], rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        for doc in docs:
            fn(doc)
        times.append((time.perf_counter() - began) * 1000 / len(docs))
    return statistics.median(times)


def run(records: int, catalogue: int) -> dict:
    rng = random.Random(20240115)
    pubs = publishers(10)
    docs = [record_turtle(make_record(i, records, pubs, rng)).encode() for i in range(records)]
    pool = ParsePool(Isolation(workers=1))
    try:
        pool.parse(docs[0], TURTLE, None, RECORD)  # started
        one = {
            "baseline_ms": _median_ms(lambda d: to_rdflib(_unguarded(d)), docs),
            "scanned_ms": _median_ms(lambda d: to_rdflib(parse_quads(d, TURTLE, None, RECORD)),
                                     docs),
            "worker_ms": _median_ms(lambda d: to_rdflib(pool.parse(d, TURTLE, None, RECORD)),
                                    docs),
        }
    finally:
        pool.close()
    rng = random.Random(7)
    big = "".join(record_turtle(make_record(i, catalogue, pubs, rng)).replace(
        "_:root", f"_:r{i}") for i in range(catalogue)).encode()
    whole = {
        "bytes": len(big),
        "baseline_ms": _median_ms(_unguarded, [big]),
        "guarded_ms": _median_ms(lambda d: parse_quads(d, TURTLE, None, OPERATOR), [big]),
        "budget_ms": _median_ms(lambda d: parse_quads(d, TURTLE, None, DOCUMENT), [big]),
    }
    for part in (one, whole):
        base = part["baseline_ms"]
        for key in [k for k in part if k.endswith("_ms") and k != "baseline_ms"]:
            part[key.replace("_ms", "_ratio")] = round(part[key] / base, 2)
    return {"record": one, "catalogue": whole,
            "machine": machine(["pyoxigraph", "rdflib"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--catalogue", type=int, default=3000)
    args = parser.parse_args()
    print(json.dumps(run(args.records, args.catalogue), indent=2))


if __name__ == "__main__":
    main()
