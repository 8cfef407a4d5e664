"""What data.gouv.fr keeps of a catalogue harvested through Socle, compared with what it keeps
of the catalogue itself.

For each fixture catalogue (``../shared/fixtures/udata-dcat`` and ``ckanext-dcat``, served on
127.0.0.1 as in tests/ingest/catalogues.py), the real udata harvester
(``../shared/interop/udata_harvest.py``) runs twice: on the source, and on Socle's
``?profile=datagouv`` feed of a Socle that harvested that source with the default policy
(repair, then quarantine what still violates). Every field udata filled from the source is
looked up in what it filled from Socle's feed: a field empty on Socle's side is **lost**, a
field with another value is **changed** (both listed; docs/harvest.md explains the changes),
and a dataset udata took from the source but not from Socle's feed is **missing** (with
Socle's reason: kept in quarantine, refused).

Usage (from the repository root, after scripts/interop-setup.sh):
    python scripts/udata_compare.py [CATALOGUE ...] [--json] [--workers N]
Environment: ``UDATA_VENV`` (default /tmp/udata-venv). Exit status 0 when nothing is lost,
1 otherwise, 2 when udata could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from service.app import create_app  # noqa: E402
from service.catalog.publishers import add_publisher  # noqa: E402
from service.config import Settings  # noqa: E402
from service.ingest.harvest.setup import harvester  # noqa: E402
from service.ingest.harvest.sources import add_source  # noqa: E402
from service.services import services_of  # noqa: E402
from service.store.oxigraph import OxigraphStore  # noqa: E402
from tests.ingest.catalogues import Catalogue, catalogues  # noqa: E402
from tests.ingest.site import Site  # noqa: E402

INTEROP = REPO.parent / "shared" / "interop"
PUBLISHER = "source"
# Dataset fields of udata's report compared as they are (falsy: udata has nothing).
DATASET_FIELDS = ("title", "license", "frequency", "temporal_coverage", "schema", "access_type",
                  "issued_at", "modified_at")
RESOURCE_FIELDS = ("title", "format", "mime", "filesize", "checksum", "schema")


def udata_python() -> Path:
    return Path(os.environ.get("UDATA_VENV", "/tmp/udata-venv")) / "bin" / "python"


def run_udata(url: str) -> dict[str, Any]:
    """udata's JSON report of a harvest of ``url`` (the harness's ``--json`` output)."""
    done = subprocess.run([str(udata_python()), str(INTEROP / "udata_harvest.py"), url, "--json"],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"udata could not run on {url}:\n{done.stdout[-2000:]}"
                           f"\n{done.stderr[-2000:]}")
    body, _, _summary = done.stdout.rstrip().rpartition("\nudata-harvest:")
    return json.loads(body)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """No access log on the terminal: the report is the output."""


@dataclass
class SocleFeed:
    """A Socle that harvested one source, serving its feed on 127.0.0.1 until closed."""

    base: str
    items: list[dict[str, Any]]
    _server: Any = field(repr=False)

    @property
    def url(self) -> str:
        return f"{self.base}/publishers/{PUBLISHER}/catalog.ttl?profile=datagouv"

    def close(self) -> None:
        self._server.shutdown()


def socle_feed(source_url: str) -> SocleFeed:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(Settings(base_url=base, harvest_allow="127.0.0.1", harvest_backoff=0.0,
                              store=OxigraphStore(None)))
    svc = services_of(app)
    add_publisher(svc.store, base, PUBLISHER, "Éditeur moissonné", None)
    run = harvester(svc).run(add_source(svc.store, source_url, PUBLISHER))
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return SocleFeed(base, run.to_dict()["items"], server)


def _key(d: dict[str, Any]) -> str:
    return str(d.get("remote_id"))


def _contacts(d: dict[str, Any], role: str | None = None) -> set[tuple[Any, Any, Any]]:
    """Contact points (role, name, email); ``role`` given: only those, else all the others."""
    return {(c.get("role"), c.get("name"), c.get("email")) for c in d.get("contact_points") or []
            if (c.get("role") == role if role else c.get("role") != "publisher")}


def compare_dataset(src: dict[str, Any], out: dict[str, Any]) -> tuple[list, list]:
    """(lost, changed) fields of one dataset: (field, source value, value on Socle's feed)."""
    lost, changed = [], []

    def check(name: str, a: Any, b: Any) -> None:
        if a and not b:
            lost.append((name, a, b))
        elif a and a != b:
            changed.append((name, a, b))

    for name in DATASET_FIELDS:
        check(name, src.get(name), out.get(name))
    check("description", bool(src.get("description_chars")), bool(out.get("description_chars")))
    spatial_src, spatial_out = src.get("spatial") or {}, out.get("spatial") or {}
    check("spatial.geom_type", spatial_src.get("geom_type"), spatial_out.get("geom_type"))
    check("spatial.bbox", spatial_src.get("bbox"), spatial_out.get("bbox"))
    missing_tags = sorted(set(src.get("tags") or []) - set(out.get("tags") or []))
    if missing_tags:
        lost.append(("tags", missing_tags, None))
    missing_contacts = sorted(_contacts(src) - _contacts(out), key=str)
    if missing_contacts:
        lost.append(("contact_points", missing_contacts, None))
    # dct:publisher (udata's "publisher" contact): the harvesting publisher on Socle's side,
    # by design (docs/harvest.md): a change, lost only when there is none.
    check("publisher", sorted(_contacts(src, "publisher")), sorted(_contacts(out, "publisher")))
    resources = {r.get("url"): r for r in out.get("resources") or []}
    for r in src.get("resources") or []:
        mine = resources.get(r.get("url"))
        if mine is None:
            lost.append(("resource", r.get("url"), None))
            continue
        for name in RESOURCE_FIELDS:
            check(f"resource {r.get('url')} {name}", r.get(name), mine.get(name))
    return lost, changed


def compare(catalogue: Catalogue, site: Site) -> dict[str, Any]:
    """One catalogue: udata on the source and on Socle's feed of it, field by field."""
    source_url = catalogue.serve(site)
    feed = socle_feed(source_url)
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            on_source = pool.submit(run_udata, source_url)
            on_socle = pool.submit(run_udata, feed.url)
            src, out = on_source.result(), on_socle.result()
    finally:
        feed.close()
    socle_datasets = {_key(d): d for d in out["datasets"]}
    by_uri = {d.get("uri"): d for d in out["datasets"] if d.get("uri")}
    outcomes = {it["key"]: it for it in feed.items}
    report: dict[str, Any] = {"catalogue": catalogue.name, "udata_source": src["ok"],
                              "udata_socle": out["ok"], "missing": [], "lost": [],
                              "changed": []}
    for d in src["datasets"]:
        mine = socle_datasets.get(_key(d)) or by_uri.get(d.get("uri"))
        if mine is None:
            uri = d.get("uri") or ""  # udata keeps spaces Socle percent-encodes (repair)
            item = (outcomes.get(uri) or outcomes.get(uri.replace(" ", "%20"))
                    or outcomes.get(f"identifier={_key(d)}"))
            why = item["outcome"] if item else "not harvested"
            report["missing"].append({"remote_id": _key(d), "title": d.get("title"),
                                      "socle": why})
            continue
        lost, changed = compare_dataset(d, mine)
        report["lost"] += [{"remote_id": _key(d), "field": f, "source": a, "socle": b}
                           for f, a, b in lost]
        report["changed"] += [{"remote_id": _key(d), "field": f, "source": a, "socle": b}
                              for f, a, b in changed]
    services = {_key(s): s for s in out["dataservices"]}
    for s in src["dataservices"]:
        mine = services.get(_key(s))
        if mine is None:
            report["missing"].append({"remote_id": _key(s), "title": s.get("title"),
                                      "socle": "data service not on the feed"})
            continue
        for name in ("title", "base_api_url", "machine_documentation_url"):
            if s.get(name) and not mine.get(name):
                report["lost"].append({"remote_id": _key(s), "field": name,
                                       "source": s.get(name), "socle": mine.get(name)})
        gone = sorted(set(s.get("datasets") or []) - set(mine.get("datasets") or []))
        if gone:
            report["lost"].append({"remote_id": _key(s), "field": "datasets", "source": gone,
                                   "socle": None})
    return report


def compare_all(names: list[str] | None = None, workers: int = 2) -> list[dict[str, Any]]:
    chosen = [c for c in catalogues() if not names or c.name in names]
    site = Site()
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda c: compare(c, site), chosen))
    finally:
        site.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("catalogues", nargs="*", help="catalogue names (default: all)")
    parser.add_argument("--json", action="store_true", help="print the whole JSON report")
    parser.add_argument("--workers", type=int, default=2, help="catalogues at a time")
    args = parser.parse_args(argv)
    if not udata_python().exists():
        print(f"udata venv missing: {udata_python()} (scripts/interop-setup.sh)", file=sys.stderr)
        return 2
    try:
        reports = compare_all(args.catalogues or None, args.workers)
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2, default=str))
    for r in reports:
        print(f"{r['catalogue']}: udata source={r['udata_source']} socle={r['udata_socle']} "
              f"missing={len(r['missing'])} lost={len(r['lost'])} changed={len(r['changed'])}")
        for kind in ("missing", "lost", "changed"):
            for entry in r[kind]:
                print(f"  {kind}: {json.dumps(entry, ensure_ascii=False, default=str)}")
    totals = {k: sum(len(r[k]) for r in reports) for k in ("missing", "lost", "changed")}
    print("udata-compare: " + " ".join(f"{k}={v}" for k, v in totals.items())
          + f" source_ok={sum(r['udata_source'] for r in reports)}"
          + f" socle_ok={sum(r['udata_socle'] for r in reports)}")
    return 1 if totals["lost"] else 0


if __name__ == "__main__":
    sys.exit(main())
