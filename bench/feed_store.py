"""The feed benchmark's store, from the realistic shared generator, without validating 100k.

    python -m bench.feed_store --n 100000 [--template 500] [--force]

``../shared/generators/dcat_catalogue.py`` writes ``--template`` datasets (default 500); they
go through the real write path (``socle import``: repair, SHACL validation, bookkeeping) into
a scratch store. Its record graphs and bookkeeping are then the templates of n records:
copy c of a record gets the local id ``{id}-c{c}`` (every IRI and literal naming the id
renamed) and its own creation stamp, one millisecond apart, so the feed order interleaves
copies. Everything is bulk-loaded into an on-disk Oxigraph store as N-Quads (no validation:
validating 100k records takes an hour on this machine), then ``socle reindex`` builds the
derived store, timed (the "cold reindex" figure). Cached under
``bench/results/feed-shared-n{n}-t{template}-v{version}/`` (bench/results is git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench import gen_catalogue as gen

REPO = gen.REPO
VERSION = 1
GENERATOR = REPO.parent / "shared" / "generators" / "dcat_catalogue.py"
CLI = [sys.executable, "-m", "service.cli"]
RECORDS_GRAPH = "urn:socle:graph:records"
LOCAL_ID = "https://socle.opendata.fr/ns#localId"
PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
ISSUED = "http://purl.org/dc/terms/issued"
MODIFIED = "http://purl.org/dc/terms/modified"
START = datetime(2025, 1, 1, tzinfo=UTC)


def store_dir(n: int, template: int) -> Path:
    return gen.RESULTS / f"feed-shared-n{n}-t{template}-v{VERSION}"


def child_env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOCLE_")}
    return {**clean, "PYTHONPATH": str(REPO), "SOCLE_BASE_URL": gen.BASE,
            "SOCLE_PROGRESS_INTERVAL": "5"}


def socle(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=REPO, env=child_env(), check=True,
                          capture_output=True, text=True)


def template_store(template: int, scratch: Path) -> Path:
    """`template` generated datasets imported through the real write path."""
    source = scratch / "catalogue.nt"
    with source.open("w", encoding="utf-8") as out:
        subprocess.run([sys.executable, str(GENERATOR), "--n", str(template), "--seed", "42",
                        "--format", "nt"], stdout=out, check=True)
    data = scratch / "template"
    pub = gen.publishers(1)[0]
    socle("publisher", "add", pub.id, "--name", pub.name, "--siren", pub.siren,
          "--data", str(data))
    socle("import", str(source), "--publisher", pub.id, "--data", str(data))
    return data


def split(data: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """(N-Quads lines of everything but the records, one template per record)."""
    store = ox.Store(str(data))
    books: dict[str, dict[str, str]] = {}
    for q in store.quads_for_pattern(None, None, None, ox.NamedNode(RECORDS_GRAPH)):
        books.setdefault(q.subject.value, {})[q.predicate.value] = q.object.value
    records = []
    record_graphs = set()
    for node, facts in books.items():
        iri = facts[PRIMARY_TOPIC]
        record_graphs.add(iri)
        graph = [str(q) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
        book = [str(q) for q in store.quads_for_pattern(ox.NamedNode(node), None, None,
                                                       ox.NamedNode(RECORDS_GRAPH))]
        records.append({"id": facts[LOCAL_ID], "iri": iri, "node": node, "graph": graph,
                        "book": book})
    rest = []
    for name in store.named_graphs():
        value = name.value
        if value in record_graphs or value == RECORDS_GRAPH or value.startswith(
                "urn:socle:graph:quality"):
            continue
        rest += [str(q) for q in store.quads_for_pattern(None, None, None, name)]
    del store
    return rest, records


def copy_lines(rec: dict[str, Any], c: int, stamp: str) -> list[str]:
    rid = rec["id"]
    new = f"{rid}-c{c}"
    pairs = [(f"/{rid}>", f"/{new}>"), (f"/{rid}/", f"/{new}/"), (f"/{rid}#", f"/{new}#"),
             (f'"{rid}"', f'"{new}"')]
    out = []
    for line in rec["graph"]:
        for old, repl in pairs:
            line = line.replace(old, repl)
        out.append(line)
    for line in rec["book"]:
        if f"<{ISSUED}>" in line or f"<{MODIFIED}>" in line:
            subject, predicate = line.split(" ", 2)[:2]
            line = (f'{subject} {predicate} "{stamp}"^^<http://www.w3.org/2001/XMLSchema#'
                    f'dateTime> <{RECORDS_GRAPH}>')
        for old, repl in pairs:
            line = line.replace(old, repl)
        out.append(line)
    return out


def build(n: int, template: int, force: bool = False, log=print) -> dict[str, Any]:
    directory = store_dir(n, template)
    marker = directory / "socle-bench.json"
    if marker.exists() and not force:
        return {**json.loads(marker.read_text()), "cached": True}
    if directory.exists():
        shutil.rmtree(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=directory.parent) as tmp:
        rest, records = split(template_store(template, Path(tmp)))
        import_s = time.perf_counter() - t0
        log(f"{len(records)} template records through the write path in {import_s:.1f} s")
        nq = Path(tmp) / "all.nq"
        t1 = time.perf_counter()
        with nq.open("w", encoding="utf-8") as out:
            out.write("".join(f"{line} .\n" for line in rest))
            for i in range(n):
                c, rec = divmod(i, len(records))
                stamp = (START + timedelta(milliseconds=i)).isoformat().replace("+00:00", "Z")
                out.write(" .\n".join(copy_lines(records[rec], c, stamp)) + " .\n")
        gen_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        store = ox.Store(str(directory))
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.flush()
        quads = len(store)
        del store
        load_s = time.perf_counter() - t2
    log(f"{quads:,} quads for {n:,} records: written in {gen_s:.1f} s, bulk-loaded in "
        f"{load_s:.1f} s")
    t3 = time.perf_counter()
    done = socle("reindex", "--data", str(directory))
    reindex_s = time.perf_counter() - t3
    log(f"cold `socle reindex`: {reindex_s:.1f} s ({done.stdout.strip()})")
    info = {"n": n, "template": template, "version": VERSION, "quads": quads,
            "quads_per_record": round(quads / n, 1), "template_import_s": round(import_s, 1),
            "write_nquads_s": round(gen_s, 1), "bulk_load_s": round(load_s, 1),
            "cold_reindex_s": round(reindex_s, 1), "reindex_progress": done.stderr.strip()
            .splitlines()[-3:], "generator": "shared/generators/dcat_catalogue.py",
            "base": gen.BASE, "store": str(directory)}
    marker.write_text(json.dumps(info))
    return {**info, "cached": False}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--template", type=int, default=500)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(build(args.n, args.template, args.force)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
