"""Records benchmark: write throughput (validation on) and read latency, pySHACL baseline alongside.

    python -m bench.records [--n 1000] [--out bench/results/records.json] [--no-http]

One run, one fresh Oxigraph store per transport, in a temporary directory:

1. In-process, through the real HTTP layer via Flask's test client (WSGI, no sockets):
   POST /datasets (n distinct valid records), GET /datasets/{id}.ttl and .jsonld,
   PUT unchanged and PUT changed. Write stages (parse, extract+skolemise, hash, validate,
   store update) are timed per request by wrapping the service functions the view calls.
2. Baseline in the same process: the stored record graphs (exactly what the write path
   validated) validated again by pySHACL alone, one call per record, shapes pre-loaded
   (``Validator(engine="pyshacl")``), and by the fast engine alone.
3. A pyinstrument profile of extra writes (breakdown by function, text tree under
   bench/results/).
4. Over real HTTP (skip with --no-http): ``socle serve`` (waitress) on 127.0.0.1 in a child
   process, driven with ``requests``; the child is always stopped at the end.

Figures are medians of per-request latencies after a warm-up; the machine is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import machine as machine_of
from bench.serve import SocleServer

BASE = "http://socle.bench"
REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "records.json"
PACKAGES = ("flask", "werkzeug", "rdflib", "pyoxigraph", "pyshacl", "waitress", "requests",
            "pyinstrument")

# -- realistic, distinct records ---------------------------------------------------------------
EU = "http://publications.europa.eu/resource/authority"
SUBJECTS = [
    ("Délibérations du conseil municipal", "deliberations", "GOVE",
     "https://schema.data.gouv.fr/scdl/deliberations/2.1.3/"),
    ("Budget primitif", "budget", "ECON", None),
    ("Subventions versées aux associations", "subventions", "ECON", None),
    ("Équipements sportifs", "equipements-sportifs", "EDUC", None),
    ("Horaires des transports scolaires", "transports-scolaires", "TRAN", None),
    ("Qualité de l'eau potable", "qualite-eau", "HEAL", None),
    ("Consommation énergétique des bâtiments communaux", "energie-batiments", "ENER", None),
    ("Arbres d'alignement", "arbres", "ENVI", None),
    ("Marchés publics attribués", "marches-publics", "GOVE", None),
    ("Bornes de recharge pour véhicules électriques", "irve", "TRAN", None),
    ("Menus de la restauration scolaire", "menus-cantine", "EDUC", None),
    ("Points d'apport volontaire des déchets", "apport-volontaire", "ENVI", None),
]
COMMUNES = [("Montfort-sur-Meu", "35188"), ("Iffendic", "35133"), ("Bédée", "35022"),
            ("Breteil", "35040"), ("Talensac", "35331"), ("Pleumeleuc", "35227"),
            ("La Nouaye", "35205"), ("Saint-Gonlay", "35274")]
FREQUENCIES = ["MONTHLY", "ANNUAL", "WEEKLY", "DAILY", "QUARTERLY", "IRREG"]
KEYWORDS = ["citoyenneté", "finances", "environnement", "mobilité", "éducation", "santé",
            "énergie", "urbanisme", "sport", "culture", "transparence", "open data"]
FORMATS = [("CSV", "csv"), ("JSON", "json"), ("GEOJSON", "geojson"), ("XLSX", "xlsx"),
           ("PDF", "pdf"), ("ODS", "ods")]
LICENCES = ["https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            f"{EU}/licence/ODBL", f"{EU}/licence/CC_BY_4_0"]

PREFIXES = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_record(i: int, rng: random.Random, revision: int = 0) -> str:
    """A valid Turtle record in the shape of tests/conftest.py VALID_TTL, distinct per i.

    ``revision`` changes the description and modification date only (a changed PUT).
    """
    title, slug, theme, schema = SUBJECTS[i % len(SUBJECTS)]
    commune, insee = COMMUNES[(i // len(SUBJECTS)) % len(COMMUNES)]
    year = 2015 + i % 10
    host = f"data.{slug}-{insee}.example.fr"
    keywords = rng.sample(KEYWORDS, rng.randint(1, 4))
    description = f"{title} de la commune de {commune} pour {year}. Jeu {i}."
    if revision:
        description += f" Révision {revision}."
    lines = [
        "[] a dcat:Dataset ;",
        f"  dct:title {_lit(f'{title} — {commune} ({year}) n° {i}')}@fr ;",
        f"  dct:description {_lit(description)}@fr ;",
        f"  dct:identifier {_lit(f'bench-{slug}-{insee}-{i:06d}')} ;",
        "  " + " ;\n  ".join(f"dcat:keyword {_lit(k)}@fr" for k in keywords) + " ;",
        f"  dcat:theme <{EU}/data-theme/{theme}> ;",
        f"  dct:accrualPeriodicity <{EU}/frequency/{rng.choice(FREQUENCIES)}> ;",
        f"  dct:spatial <http://id.insee.fr/geo/commune/{insee}> ;",
        f'  dct:issued "{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"^^xsd:date ;',
    ]
    if revision:
        lines.append(f'  dct:modified "2025-01-{1 + revision % 28:02d}"^^xsd:date ;')
    if schema:
        lines.append(f"  dct:conformsTo <{schema}> ;")
    contact = _lit(f"Mairie de {commune}")
    lines.append(f"  dcat:contactPoint [ a vcard:Organization ; vcard:fn {contact} ;"
                 f" vcard:hasEmail <mailto:contact@{insee}.example.fr> ] ;")
    licence = rng.choice(LICENCES)
    dists = []
    for fmt, ext in rng.sample(FORMATS, rng.randint(1, 3)):
        url = f"https://{host}/{slug}-{i}.{ext}"
        dists.append(
            f"[ a dcat:Distribution ; dct:title {_lit(f'{title} ({fmt})')}@fr ;\n"
            f"    dcat:accessURL <{url}> ; dcat:downloadURL <{url}> ;\n"
            f"    dct:format <{EU}/file-type/{fmt}> ; dct:license <{licence}> ]")
    lines.append("  dcat:distribution " + " ,\n    ".join(dists) + " .")
    return PREFIXES + "\n".join(lines) + "\n"


def make_records(count: int, seed: int = 20240115) -> list[str]:
    rng = random.Random(seed)
    return [make_record(i, rng) for i in range(count)]


# -- statistics ---------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def summary(ms: list[float], wall_s: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "count": len(ms), "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(pct(ms, 95), 3), "p99_ms": round(pct(ms, 99), 3),
        "mean_ms": round(statistics.fmean(ms), 3), "max_ms": round(max(ms), 3),
    }
    if wall_s:
        out["throughput_per_s"] = round(len(ms) / wall_s, 1)
    return out


def trend(ms: list[float]) -> dict[str, float]:
    """p50 of the first and last tenth of a series: does the cost grow with the store?"""
    tenth = max(1, len(ms) // 10)
    return {"first_tenth_p50_ms": round(statistics.median(ms[:tenth]), 3),
            "last_tenth_p50_ms": round(statistics.median(ms[-tenth:]), 3)}


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


# -- machine ------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    return machine_of(PACKAGES)


# -- stage timing -------------------------------------------------------------------------------
@dataclass
class Stages:
    """Per-request times of the write stages, collected by wrapping the service functions."""

    times: dict[str, list[float]] = field(default_factory=dict)
    current: dict[str, float] = field(default_factory=dict)

    def wrap(self, name: str, func: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.current[name] = (self.current.get(name, 0.0)
                                      + (time.perf_counter() - start) * 1000)
        return wrapper

    def commit(self) -> None:
        for name, ms in self.current.items():
            self.times.setdefault(name, []).append(ms)
        self.current = {}

    def reset(self) -> None:
        self.current = {}


STAGE_ORDER = ["parse", "extract", "lookups", "prepare (closure+skolemise)", "content hash",
               "validate", "store update"]


@contextlib.contextmanager
def instrument(svc: Any) -> Iterator[Stages]:
    """Wrap the functions the POST path calls; restores them on exit."""
    from service.catalog import batch as batch_mod
    from service.catalog import prepare as prepare_mod
    from service.catalog import records as records_mod
    from service.records import views

    stages = Stages()
    patches = [
        (views, "parse_untrusted", "parse"),
        (records_mod, "single_record", "extract"),
        (batch_mod, "metas", "lookups"),
        (batch_mod, "described_by", "lookups"),
        (batch_mod, "identifier_ids", "lookups"),
        (batch_mod, "stored_identifiers", "lookups"),
        (prepare_mod, "record_graph", "prepare (closure+skolemise)"),
        (prepare_mod, "content_hash", "content hash"),
        (prepare_mod, "validate_triples", "validate"),
        (svc.store, "apply", "store update"),
    ]
    saved = []
    for obj, attr, name in patches:
        original = getattr(obj, attr)
        saved.append((obj, attr, obj.__dict__.get(attr, _MISSING) if hasattr(obj, "__dict__")
                      else _MISSING, original))
        setattr(obj, attr, stages.wrap(name, original))
    try:
        yield stages
    finally:
        for obj, attr, own, _original in reversed(saved):
            if own is _MISSING:
                delattr(obj, attr)
            else:
                setattr(obj, attr, own)


_MISSING = object()


# -- in-process run -----------------------------------------------------------------------------
def setup_store(data_dir: str) -> str:
    """A publisher and a token in a fresh store; returns the bearer token."""
    from service.auth.jsonfile import DataFiles
    from service.auth.tokens import create_token
    from service.catalog.publishers import add_publisher
    from service.store import open_store

    store = open_store(data_dir)
    try:
        pub = add_publisher(store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")
        return create_token(DataFiles(store), pub)
    finally:
        store.close()


def check(status: int, expected: int, what: str, body: Any = None) -> None:
    if status != expected:
        raise SystemExit(f"bench: {what} answered {status}, expected {expected}: "
                         f"{str(body)[:500]}")


def run_inprocess(records: list[str], warmup: list[str], profile_records: list[str],
                  tmp: str, changed: list[str]) -> dict[str, Any]:
    from service.app import create_app
    from service.config import Settings

    data = os.path.join(tmp, "inprocess")
    token = setup_store(data)
    t0 = time.perf_counter()
    app = create_app(Settings(data=data, base_url=BASE))
    startup_s = time.perf_counter() - t0
    svc = app.extensions["socle"]
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    out: dict[str, Any] = {"transport": "Flask test client (in-process WSGI, no sockets)",
                           "app_startup_s": round(startup_s, 2),
                           "validator_engine": getattr(svc.validator, "engine_name", "?")}
    try:
        for body in warmup:
            r = client.post("/datasets", data=body.encode(), headers=auth)
            check(r.status_code, 201, "warm-up POST", r.get_data(as_text=True))

        ids: list[str] = []
        post_ms: list[float] = []
        with instrument(svc) as stages:
            wall = time.perf_counter()
            for body in records:
                payload = body.encode()
                stages.reset()
                ms, r = timed(lambda p=payload: client.post("/datasets", data=p, headers=auth))
                check(r.status_code, 201, "POST /datasets", r.get_data(as_text=True))
                stages.commit()
                post_ms.append(ms)
                ids.append(r.get_json()["id"])
            wall = time.perf_counter() - wall
        out["post"] = {**summary(post_ms, wall), **trend(post_ms)}
        out["post"]["warnings_per_record"] = _warnings(svc, ids[:1])
        out["write_stages"] = {name: {**summary(stages.times[name]), **trend(stages.times[name])}
                               for name in STAGE_ORDER if name in stages.times}
        out["write_stages"]["(sum of stage p50s)"] = {"p50_ms": round(sum(
            v["p50_ms"] for v in out["write_stages"].values()), 3)}

        for suffix in ("ttl", "jsonld"):
            ms_list = []
            for rid in ids:
                ms, r = timed(lambda rid=rid, s=suffix: client.get(f"/datasets/{rid}.{s}"))
                check(r.status_code, 200, f"GET .{suffix}")
                ms_list.append(ms)
            out[f"get_{suffix}"] = summary(ms_list)

        sample = list(range(min(len(ids), 200)))
        for label, bodies, outcome in (("put_unchanged", records, "unchanged"),
                                       ("put_changed", changed, "updated")):
            ms_list = []
            for k in sample:
                payload = bodies[k].encode()
                ms, r = timed(lambda k=k, p=payload: client.put(f"/datasets/{ids[k]}", data=p,
                                                                headers=auth))
                check(r.status_code, 200, f"PUT ({label})", r.get_data(as_text=True))
                if r.get_json()["outcome"] != outcome:
                    raise SystemExit(f"bench: {label} gave outcome {r.get_json()['outcome']}")
                ms_list.append(ms)
            out[label] = summary(ms_list)

        # Baseline on exactly the graphs the write path validated (what is now stored).
        graphs = [svc.store.graph(svc.records.meta(rid).iri) for rid in ids]
        out["record_triples_p50"] = statistics.median(len(g) for g in graphs)
        out["validation_only"] = validation_baseline(svc, graphs)
        out["profile"] = profile_writes(client, auth, profile_records, tmp)
        out["stored_records"] = len(warmup) + len(records) + len(profile_records)
    finally:
        svc.store.close()
    return out


def _warnings(svc: Any, ids: list[str]) -> int | None:
    return svc.records.meta(ids[0]).warnings if ids else None


def validation_baseline(svc: Any, graphs: list) -> dict[str, Any]:
    """pySHACL alone (reference engine), then the fast engine alone, on the same graphs."""
    from service.validation import Validator

    settings = svc.settings
    out: dict[str, Any] = {}
    engines = ["pyshacl"]
    try:
        Validator(settings.shapes_dir, settings.vocab_dir, engine="fast")
        engines.append("fast")
    except (TypeError, ValueError):
        pass  # no fast engine in this tree: pySHACL only
    for engine in engines:
        t0 = time.perf_counter()
        validator = Validator(settings.shapes_dir, settings.vocab_dir, engine=engine)
        load_s = time.perf_counter() - t0
        for g in graphs[:3]:  # warm-up
            validator.validate(g)
        ms_list, violations = [], 0
        wall = time.perf_counter()
        for g in graphs:
            ms, report = timed(lambda g=g, v=validator: v.validate(g))
            ms_list.append(ms)
            violations += len(report.violations)
        wall = time.perf_counter() - wall
        out[engine] = {**summary(ms_list, wall), "shapes_load_s": round(load_s, 2),
                       "violations": violations}
    return out


def profile_writes(client: Any, auth: dict[str, str], bodies: list[str],
                   tmp: str) -> dict[str, Any]:
    """pyinstrument over extra POSTs; time share of the service functions on the write path."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return {"skipped": "pyinstrument not installed"}
    if not bodies:
        return {"skipped": "no records"}
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for body in bodies:
        r = client.post("/datasets", data=body.encode(), headers=auth)
        check(r.status_code, 201, "profiled POST", r.get_data(as_text=True))
    session = profiler.stop()
    root = profiler.last_session.root_frame() if hasattr(profiler, "last_session") else None
    root = root or session.root_frame()
    total = root.time
    wanted = {
        "parse_rdf": "parse", "single_record": "extract", "_prepare": "prepare",
        "content_hash": "content hash", "validate": "validate", "apply": "store update",
        "_existing": "lookups", "_new_id": "lookups", "_publisher": "lookups",
        "require_publisher": "auth (token lookup)", "by_iri": "lookups",
    }
    acc: dict[str, float] = {}

    def walk(frame: Any, inside: bool) -> None:
        name = frame.function
        label = wanted.get(name)
        is_service = "service/" in (frame.file_path or "")
        if label and is_service and not inside:
            acc[label] = acc.get(label, 0.0) + frame.time
            inside = True
        for child in frame.children:
            walk(child, inside)

    walk(root, False)
    text = profiler.output_text(unicode=True, color=False, show_all=False)
    path = Path(tmp) / "profile.txt"
    path.write_text(text)
    breakdown = {k: {"ms_per_write": round(v * 1000 / len(bodies), 3),
                     "share": round(v / total, 3)} for k, v in
                 sorted(acc.items(), key=lambda kv: -kv[1])}
    breakdown["(rest: Flask/Werkzeug, JSON response)"] = {
        "ms_per_write": round((total - sum(acc.values())) * 1000 / len(bodies), 3),
        "share": round(1 - sum(acc.values()) / total, 3)}
    return {"writes": len(bodies), "ms_per_write": round(total * 1000 / len(bodies), 3),
            "breakdown": breakdown, "text": text}


# -- real HTTP ----------------------------------------------------------------------------------
def run_http(records: list[str], warmup: list[str], tmp: str, changed: list[str],
             startup_timeout: float = 60.0) -> dict[str, Any]:
    import requests

    data = os.path.join(tmp, "http")
    token = setup_store(data)
    server = SocleServer(data, os.path.join(tmp, "serve.log"), base_url=BASE,
                         ready_path="/datasets?limit=1",
                         startup_timeout=startup_timeout)
    out: dict[str, Any] = {"transport": "socle serve (waitress) on 127.0.0.1, requests "
                                        "keep-alive session, one client"}
    with server:
        url = server.url
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
        for body in warmup:
            r = session.post(f"{url}/datasets", data=body.encode(), headers=headers, timeout=60)
            check(r.status_code, 201, "HTTP warm-up POST", r.text)
        ids, post_ms = [], []
        wall = time.perf_counter()
        for body in records:
            payload = body.encode()
            ms, r = timed(lambda p=payload: session.post(f"{url}/datasets", data=p,
                                                         headers=headers, timeout=60))
            check(r.status_code, 201, "HTTP POST /datasets", r.text)
            post_ms.append(ms)
            ids.append(r.json()["id"])
        out["post"] = {**summary(post_ms, time.perf_counter() - wall), **trend(post_ms)}
        for suffix in ("ttl", "jsonld"):
            ms_list = []
            for rid in ids:
                ms, r = timed(lambda rid=rid, s=suffix: session.get(
                    f"{url}/datasets/{rid}.{s}", timeout=60))
                check(r.status_code, 200, f"HTTP GET .{suffix}")
                ms_list.append(ms)
            out[f"get_{suffix}"] = summary(ms_list)
        sample = list(range(min(len(ids), 200)))
        for label, bodies in (("put_unchanged", records), ("put_changed", changed)):
            ms_list = []
            for k in sample:
                payload = bodies[k].encode()
                ms, r = timed(lambda k=k, p=payload: session.put(
                    f"{url}/datasets/{ids[k]}", data=p, headers=headers, timeout=60))
                check(r.status_code, 200, f"HTTP PUT ({label})", r.text)
                ms_list.append(ms)
            out[label] = summary(ms_list)
    return out


# -- report -------------------------------------------------------------------------------------
TARGET_P50_MS = 30.0


def ratios(result: dict[str, Any]) -> dict[str, Any]:
    inproc = result["inprocess"]
    vo = inproc["validation_only"]
    py = vo["pyshacl"]["p50_ms"]
    out: dict[str, Any] = {
        "post_p50_over_pyshacl_only_p50": round(inproc["post"]["p50_ms"] / py, 3),
        "target_post_p50_ms": TARGET_P50_MS,
        "target_met_inprocess": inproc["post"]["p50_ms"] <= TARGET_P50_MS,
    }
    if "fast" in vo:
        out["fast_only_p50_over_pyshacl_only_p50"] = round(vo["fast"]["p50_ms"] / py, 3)
        out["pyshacl_only_p50_over_fast_only_p50"] = round(py / vo["fast"]["p50_ms"], 1)
    if "http" in result:
        out["http_post_p50_over_pyshacl_only_p50"] = round(
            result["http"]["post"]["p50_ms"] / py, 3)
        out["target_met_http"] = result["http"]["post"]["p50_ms"] <= TARGET_P50_MS
    return out


def table(result: dict[str, Any]) -> str:
    rows = [("", "operation", "n", "p50 ms", "p95 ms", "p99 ms", "per s")]

    def add(where: str, name: str, s: dict[str, Any]) -> None:
        rows.append((where, name, str(s["count"]), f"{s['p50_ms']:.2f}", f"{s['p95_ms']:.2f}",
                     f"{s['p99_ms']:.2f}", f"{s['throughput_per_s']:.1f}"
                     if "throughput_per_s" in s else ""))

    for where in ("inprocess", "http"):
        if where not in result:
            continue
        part = result[where]
        for op, name in (("post", "POST /datasets"), ("get_ttl", "GET /datasets/{id}.ttl"),
                         ("get_jsonld", "GET /datasets/{id}.jsonld"),
                         ("put_unchanged", "PUT unchanged"), ("put_changed", "PUT changed")):
            add("test client" if where == "inprocess" else "HTTP", name, part[op])
    for engine, s in result["inprocess"]["validation_only"].items():
        add("alone", f"validate ({engine})", s)
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in
                       enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    stages = result["inprocess"]["write_stages"]
    for where in ("inprocess", "http"):
        if where in result:
            post = result[where]["post"]
            lines.append(f"POST p50 first/last tenth of the run ({where}): "
                         f"{post['first_tenth_p50_ms']:.2f} / {post['last_tenth_p50_ms']:.2f} ms")
    lines.append("")
    lines.append("POST stages (per request, test client): " + ", ".join(
        f"{k} {v['p50_ms']:.2f}" for k, v in stages.items()) + " (p50 ms)")
    prof = result["inprocess"].get("profile", {})
    if "breakdown" in prof:
        lines.append(f"pyinstrument over {prof['writes']} POSTs ({prof['ms_per_write']:.2f} "
                     "ms/write): " + ", ".join(f"{k} {v['ms_per_write']:.2f}"
                                               for k, v in prof["breakdown"].items()))
    r = result["ratios"]
    lines.append("")
    lines.append(f"POST p50 / pySHACL-only p50 = {r['post_p50_over_pyshacl_only_p50']:.2f}"
                 + (f"; pySHACL-only / fast-only = {r['pyshacl_only_p50_over_fast_only_p50']}x"
                    if "pyshacl_only_p50_over_fast_only_p50" in r else ""))
    lines.append(f"target POST p50 <= {TARGET_P50_MS:.0f} ms: in-process "
                 f"{'MET' if r['target_met_inprocess'] else 'NOT met'}"
                 + (f", HTTP {'MET' if r['target_met_http'] else 'NOT met'}"
                    if "target_met_http" in r else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.records", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="records written (default 1000)")
    parser.add_argument("--warmup", type=int, default=None,
                        help="untimed writes first (default min(50, n))")
    parser.add_argument("--profile-n", type=int, default=None,
                        help="extra writes under pyinstrument (default min(200, n))")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="JSON result file")
    parser.add_argument("--no-http", action="store_true", help="skip the real-HTTP run")
    args = parser.parse_args(argv)
    n = max(1, args.n)
    warm_n = min(50, n) if args.warmup is None else args.warmup
    prof_n = min(200, n) if args.profile_n is None else args.profile_n

    info = machine()
    print(f"machine: nproc={info['nproc']} cpu={info['cpu']!r} python={info['python']} "
          f"loadavg={info['loadavg']} git={info['git']}", flush=True)
    print("packages: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()), flush=True)

    everything = make_records(warm_n + n + prof_n)
    warmup, records = everything[:warm_n], everything[warm_n:warm_n + n]
    profile_records = everything[warm_n + n:]
    changed = _same_randomness_changed(warm_n, n)

    result: dict[str, Any] = {"machine": info, "n": n, "warmup": warm_n,
                              "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    with tempfile.TemporaryDirectory(prefix="socle-bench-") as tmp:
        t0 = time.perf_counter()
        result["inprocess"] = run_inprocess(records, warmup, profile_records, tmp, changed)
        profile_text = result["inprocess"].get("profile", {}).pop("text", None)
        print(f"in-process run: {time.perf_counter() - t0:.1f} s", flush=True)
        if not args.no_http:
            t0 = time.perf_counter()
            result["http"] = run_http(records, warmup, tmp, changed)
            print(f"HTTP run: {time.perf_counter() - t0:.1f} s", flush=True)
    result["ratios"] = ratios(result)

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    if profile_text:
        out.with_suffix(".profile.txt").write_text(profile_text)
    print()
    print(table(result))
    print(f"\nresults: {out}")
    return 0


def _same_randomness_changed(warm_n: int, n: int) -> list[str]:
    """The measured records again, same random choices, with a revised description/date."""
    rng = random.Random(20240115)
    bodies = []
    for i in range(warm_n + min(n, 200)):
        revision = 1 + i % 9
        body = make_record(i, rng, revision=revision)
        if i >= warm_n:
            bodies.append(body)
    return bodies


if __name__ == "__main__":
    sys.exit(main())
