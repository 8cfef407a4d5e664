"""Where an import worker's CPU goes, record by record, and what sharing the cores costs it.

    python -m bench.prepare_stages --catalogue cat20k.nt --records 3000 --procs 1 2 3 4

On a catalogue of ``../shared/generators/dcat_catalogue.py`` (``--n``, or ``--catalogue
FILE``) loaded into an on-disk scratch store as ``socle import --workers N`` loads it
(``StoredDocument``), the path a worker process runs per record (``pool._worker_prepare``:
the cut from the scratch store, the rdflib conversion, then ``prepare.prepare`` with the
writer's extractors), each step's thread CPU per record, in ``K`` identical processes at once
for each ``--procs K``. ``K = 1`` is each step's own cost; with more busy processes than
cores each step costs more CPU (time-slicing), as in an import, where two workers share the
two cores with the importing process's threads and RocksDB's.

Prints one JSON object (``--out`` writes it too). No figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.ingest import write_shared
from bench.machine import machine
from service.rdf.parse import term_to_oxigraph

BASE = "http://socle.bench"
STEPS = ("cut", "to_rdflib", "repaired", "record_graph", "foreign_subjects", "content_hash",
         "validate_triples", "derived rows", "quality facts", "prepare, rest")


def scratch(path: Path) -> tuple[Any, list[str]]:
    """The document in an on-disk scratch store and its roots in N-Triples form (as the
    importer sends them to a worker)."""
    from service.ingest.stream import StoredDocument, syntax_for_path

    syntax = syntax_for_path(path.name)
    if syntax is None:
        raise SystemExit(f"{path}: not an RDF file name (.nt, .ttl, ...)")
    doc = StoredDocument(syntax, path=path, on_disk=True)
    return doc, [str(term_to_oxigraph(r)) for r in doc.roots]


def _timed(table: dict[str, float], name: str, function: Callable[..., Any]
           ) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            table[name] = table.get(name, 0.0) + time.thread_time() - start
    return run


def stages(directory: str, roots: list[str], rounds: int) -> dict[str, float]:
    """Each step's thread CPU per record (ms) over the last of ``rounds`` passes, as a
    worker runs it (``pool._worker_prepare``). Meant for a spawned process
    (``concurrent_stages``): it wraps ``prepare``'s steps in place, for good."""
    from rdflib import BNode, URIRef

    import service.catalog.prepare as prepare
    from service.catalog.publishers import Publisher
    from service.derived.ahead import extractor
    from service.derived.registry import INDEXES
    from service.ingest.stream import cut_on_disk
    from service.quality.keeper import QualityKeeper
    from service.rdf.parse import TermCache, term_to_rdflib
    from service.store.oxigraph import stored_triples
    from service.validation import Validator

    table: dict[str, float] = {}
    for name in ("repaired", "record_graph", "foreign_subjects", "content_hash",
                 "validate_triples"):
        setattr(prepare, name, _timed(table, name, getattr(prepare, name)))
    ahead = extractor([factory() for factory in INDEXES], stored_triples)
    assert ahead is not None
    facts_name, facts = QualityKeeper.record_extractor
    extractors = ((ahead[0], _timed(table, "derived rows", ahead[1])),
                  (facts_name, _timed(table, "quality facts", facts)))
    validator = Validator(engine="fast")
    publisher = Publisher("bench", "Commune de Bench", "213500188", f"{BASE}/publishers/bench")
    to_rdflib = TermCache(term_to_rdflib)
    intake = prepare.Intake(base="https://example.org/catalogue.nt")
    for _ in range(rounds):
        table.clear()
        gc.collect()
        for i, root in enumerate(roots):
            start = time.thread_time()
            native = cut_on_disk(directory, root)
            cut = time.thread_time()
            triples = [(to_rdflib(s), to_rdflib(p), to_rdflib(o)) for s, p, o in native]
            converted = time.thread_time()
            node = BNode(root[2:]) if root.startswith("_:") else URIRef(root[1:-1])
            job = prepare.Job(node, f"r{i}", intake=intake)
            prepare.prepare(BASE, publisher, job, triples, validator, extractors)
            done = time.thread_time()
            table["cut"] = table.get("cut", 0.0) + cut - start
            table["to_rdflib"] = table.get("to_rdflib", 0.0) + converted - cut
            table["prepare"] = table.get("prepare", 0.0) + done - converted
    inner = sum(v for k, v in table.items() if k not in ("cut", "to_rdflib", "prepare"))
    table["prepare, rest"] = table.pop("prepare") - inner
    per_record = {k: round(table.get(k, 0.0) / len(roots) * 1e3, 3) for k in STEPS}
    per_record["total"] = round(sum(per_record[k] for k in STEPS), 3)
    return per_record


def _stages_in_child(args: tuple[str, list[str], int]) -> dict[str, float]:
    return stages(*args)


def concurrent_stages(directory: str, roots: list[str], procs: int, rounds: int
                      ) -> list[dict[str, float]]:
    """``stages`` in ``procs`` spawned processes at once (each on every record)."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(procs) as pool:
        return pool.map(_stages_in_child, [(directory, roots, rounds)] * procs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="datasets generated")
    parser.add_argument("--catalogue", type=Path, help="an N-Triples catalogue instead")
    parser.add_argument("--records", type=int, default=2000, help="records cut and prepared")
    parser.add_argument("--rounds", type=int, default=2, help="passes per process (last kept)")
    parser.add_argument("--procs", type=int, nargs="*", default=[1, 3])
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="socle-bench-stages-") as tmp:
        path = args.catalogue
        if path is None:
            path = Path(tmp) / f"catalogue-{args.n}.nt"
            write_shared(path, args.n)
        doc, roots = scratch(path)
        roots = roots[:args.records]
        try:
            directory = doc.directory
            assert directory is not None
            result: dict[str, Any] = {
                "machine": machine(("rdflib", "pyoxigraph")), "catalogue": str(path),
                "records": len(roots), "stages_ms_per_record": {}}
            for procs in args.procs:
                runs = concurrent_stages(directory, roots, procs, args.rounds)
                result["stages_ms_per_record"][str(procs)] = {
                    k: round(sum(r[k] for r in runs) / len(runs), 3) for k in runs[0]}
        finally:
            doc.close()
    text = json.dumps(result, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
