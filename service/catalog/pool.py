"""Worker processes of the batch writer (``socle import --workers N``): they prepare, hash and
validate records (``prepare.prepare``) while the writing process looks up, checks and writes.

Why the whole per-record pipeline and not only validation: with validation alone in the
workers, the main process still spent ~5 ms per record cutting, preparing, hashing and
converting, which capped an import near 160 records/s on two cores (docs/benchmarks.md).
Records come in as a loader the worker calls (the on-disk scratch store of ``socle import``,
opened read-only) or as N-Triples text, and go back as N-Triples text the store loads as it is:
pyoxigraph parses and prints it natively, keeps lexical forms and blank-node labels, and the
text pickles cheaply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import BNode

from service.catalog.prepare import Extractor, Job, Prepared, prepare
from service.catalog.publishers import Publisher
from service.rdf.parse import TermCache, term_to_oxigraph, term_to_rdflib
from service.store.base import NTriples

CHUNK = 16  # records per task sent to a worker
Wire = tuple[str, str, list[str], str, Any, list[str], list[str], Any, list[Any], list[Any],
             dict[str, Any]]


class PreparePool:
    """Spawned (not forked: the parent holds an open RocksDB store and threads) processes,
    each with its own Validator on the same shapes and vocabularies."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    @classmethod
    def start(cls, validator: Any, workers: int) -> PreparePool | None:
        dirs = getattr(validator, "dirs", None)
        if dirs is None:
            return None  # not our Validator (a test double): prepare in process
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        return cls(ctx.Pool(workers, initializer=_worker_init,
                            initargs=(*dirs, validator.engine_name)))

    def submit(self, base: str, publisher: Publisher, jobs: list[tuple[Job, Any]],
               on_done: Callable[[int], None] | None = None,
               extractors: tuple[Extractor, ...] = ()) -> Any:
        """Prepare these (job, ``record_payload``) pairs; ``.get()`` gives Prepared, in
        order. ``on_done(n)`` is called (in the pool's result thread) as each task of
        ``CHUNK`` records comes back. ``extractors`` (``prepare.prepare``) run in the
        workers; their results come back with each record."""
        tasks = [(base, publisher, jobs[i:i + CHUNK], extractors)
                 for i in range(0, len(jobs), CHUNK)]
        callback = (lambda wires: on_done(len(wires))) if on_done is not None else None
        return _Results([self._pool.apply_async(_worker_prepare, (task,), callback=callback)
                         for task in tasks])

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


class _Results:
    def __init__(self, tasks: list[Any]) -> None:
        self._tasks = tasks

    def get(self) -> list[Prepared]:
        return [_unwire(w) for task in self._tasks for w in task.get()]


def record_payload(root: Any, triples: Any) -> tuple[Any, str | tuple[Any, ...]]:
    """What a worker needs to rebuild a record's triples, and the root in its terms.

    Records of an on-disk ``StoredDocument`` carry a ``loader`` (the worker cuts them from the
    scratch store itself); records with pyoxigraph triples (``.native``) are printed as they
    are; rdflib triples are converted, blank nodes relabelled (an rdflib label need not be a
    valid N-Triples label) and the root with them.
    """
    loader = getattr(triples, "loader", None)
    if loader is not None:
        return root, loader
    native = getattr(triples, "native", None)
    if native is not None:
        return root, NTriples.of(native).text
    labels: dict[Any, ox.BlankNode] = {}

    def term(t: Any) -> Any:
        if isinstance(t, BNode):
            found = labels.get(t)
            if found is None:
                found = labels[t] = ox.BlankNode(f"b{len(labels)}")
            return found
        return _to_ox(t)

    text = NTriples.of((term(s), term(p), term(o)) for s, p, o in triples).text
    if isinstance(root, BNode):
        root = BNode(term(root).value)
    return root, text


_to_ox = TermCache(term_to_oxigraph)


def _unwire(w: Wire) -> Prepared:
    iri, text, foreign, digest, report, themes, keywords, error, dropped, repairs, extracted = w
    return Prepared(iri, NTriples(text), foreign, digest, report, themes, keywords, error,
                    dropped, repairs, extracted)


_WORKER: dict[str, Any] = {}


def _worker_init(shapes_dir: str, vocab_dir: str, engine: str) -> None:
    from service.validation import Validator

    _WORKER["validator"] = Validator(shapes_dir=shapes_dir, vocab_dir=vocab_dir, engine=engine)
    _WORKER["to_rdflib"] = TermCache(term_to_rdflib)


def _worker_prepare(task: tuple[str, Publisher, list[tuple[Job, Any]], tuple[Extractor, ...]]
                    ) -> list[Wire]:
    base, publisher, jobs, extractors = task
    to_rdflib, validator = _WORKER["to_rdflib"], _WORKER["validator"]
    out = []
    for job, payload in jobs:
        if isinstance(payload, str):
            native = [(t.subject, t.predicate, t.object) for t in
                      ox.parse(payload.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]
        else:
            function, args = payload
            native = function(*args)
        triples = [(to_rdflib(s), to_rdflib(p), to_rdflib(o)) for s, p, o in native]
        p = prepare(base, publisher, job, triples, validator, extractors)
        out.append((p.iri, p.graph.text, p.foreign, p.digest, p.report, p.themes, p.keywords,
                    p.error, p.dropped, p.repairs, p.extracted))
    return out
