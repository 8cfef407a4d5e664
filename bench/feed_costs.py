"""Per-page costs of the feed beside their baselines, and the write cost with the derived store
kept current (bench/feed.py calls these in the same run, on the same store).

Per page (first, middle, last), p50 over repeats, no HTTP nor Flask:
- ``before``: what the feed did before the derived store (issue 18): the page's record graphs
  decoded from the store (``Store.triples``), the profile, the serialisation;
- ``derived``: what it did for every profile before: the stored N-Triples texts parsed, the
  profile, the serialisation (still the path of the profiles not stored);
- ``stored``: what it does now for a stored profile (service/feed/assemble.py): the
  records' stored output assembled (N-Triples lines; Turtle blocks after the serialised
  enrichment), the SQLite read apart;
- ``floor``: the serialisation alone of the same triples (the page already built).
Writes: one record per batch (what an API write does) with the derived store updated in the
same call, and the same writes with the derived store's observer taken out; every record
written is deleted again (with the observer in), so the store and its derived store stay as
they were.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from typing import Any

import pyoxigraph as ox

from service.feed.assemble import assemble
from service.feed.index import Filters
from service.feed.views import parse_lines, record_triples
from service.rdf.profiles import DEFAULT, get_profile

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


def _p50(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 2)


def page_costs(svc: Any, pages: dict[str, int], size: int, repeats: int) -> dict[str, Any]:
    profile = get_profile(None)
    out: dict[str, Any] = {}
    for label, page in pages.items():
        entries = svc.feed_index.page(Filters(), (page - 1) * size, size).entries
        iris = [e.iri for e in entries]
        built = list(profile(record_triples(entries)))
        row: dict[str, Any] = {"page": page, "triples": len(built)}
        for name, fmt in FORMATS.items():
            def before(fmt=fmt, iris=iris):
                return ox.serialize(list(profile(svc.store.triples(iris))), format=fmt)

            def derived(fmt=fmt, entries=entries):
                return ox.serialize(list(profile(record_triples(entries))), format=fmt)

            def floor(fmt=fmt, built=built):
                return ox.serialize(built, format=fmt)

            stored_page = svc.feed_index.page(Filters(), (page - 1) * size, size, DEFAULT,
                                              name == "ttl")

            def stored(fmt=fmt, snap=stored_page):
                built = assemble([e.stored for e in snap.entries], svc.feed_index.known_iris)
                if fmt == ox.RdfFormat.TURTLE:
                    extra = parse_lines(b"".join(built.enrichment))
                    return ox.serialize(extra, format=fmt) + built.turtle
                return built.ntriples()

            row[name] = {"before_ms": _p50(before, repeats),
                         "derived_ms": _p50(derived, repeats),
                         "stored_ms": _p50(stored, repeats), "floor_ms": _p50(floor, repeats)}
        out[label] = row
    return out


def write_costs(svc: Any, generator: str, publisher: str, k: int) -> dict[str, Any]:
    """p50 of k one-record writes with the derived store, and of k without it."""
    from service.derived.observer import DerivedWriter
    from service.rdf.formats import BY_NAME
    from service.rdf.parse import parse_rdf
    from service.rdf.records import split_catalogue

    text = subprocess.run([sys.executable, generator, "--n", str(2 * k), "--seed", "7",
                           "--format", "nt"], capture_output=True, check=True).stdout
    records = split_catalogue(parse_rdf(text, BY_NAME["ntriples"]))
    observers = svc.records.observers
    derived = next(o for o in observers if isinstance(o, DerivedWriter))
    times: dict[str, list[float]] = {"with_derived": [], "without_derived": []}
    written: list[str] = []
    try:
        for i, record in enumerate(records[:2 * k]):
            mode = "with_derived" if i % 2 == 0 else "without_derived"
            if mode == "without_derived":
                observers.remove(derived)
            t0 = time.perf_counter()
            try:
                [result] = svc.records.upsert_many(publisher, [record], batch_size=1)
            finally:
                if mode == "without_derived":
                    observers.insert(0, derived)
            times[mode].append((time.perf_counter() - t0) * 1000)
            if hasattr(result, "meta"):
                written.append(result.meta.id)
    finally:
        for record_id in written:
            svc.records.delete(publisher, record_id)
    return {mode: {"count": len(v), "p50_ms": round(statistics.median(v), 2)}
            for mode, v in times.items() if v}
