"""Validating worker processes for the bulk path (``socle import --workers N``).

Why its own module: the pool (spawning, shipping record graphs as N-Triples, rebuilding the
validator in each worker) is a separate job from the batch logic of ``service.catalog.bulk``.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from service.rdf.parse import TermCache, term_to_rdflib
from service.store.base import triple_lines
from service.validation.index import TripleIndex

Triple = tuple[Node, Node, Node]


def validate_triples(validator: Any, graph: list[Triple], native: list | None = None) -> Any:
    """The fast engine takes the triples as they are; any other engine gets an rdflib graph."""
    if getattr(validator, "engine_name", None) == "fast":
        return validator.validate(TripleIndex(graph, native))
    g = Graph()
    for triple in graph:
        g.add(triple)
    return validator.validate(g)


class ValidationPool:
    """Worker processes, each with its own Validator (same shapes and vocabularies), that
    validate record graphs sent as N-Triples. Spawned, not forked: the parent holds an open
    RocksDB store and threads."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    @classmethod
    def start(cls, validator: Any, workers: int) -> ValidationPool | None:
        dirs = getattr(validator, "dirs", None)
        if dirs is None:
            return None  # not our Validator (a test double): validate in process
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        return cls(ctx.Pool(workers, initializer=_worker_init,
                            initargs=(*dirs, validator.engine_name)))

    def submit(self, graphs: list[list[Triple]]) -> Any:
        texts = ["\n".join(triple_lines(g)) for g in graphs]
        return self._pool.map_async(_worker_validate, texts, chunksize=8)

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


_WORKER: dict[str, Any] = {}


def _worker_init(shapes_dir: str, vocab_dir: str, engine: str) -> None:
    from service.validation import Validator

    _WORKER["validator"] = Validator(shapes_dir=shapes_dir, vocab_dir=vocab_dir, engine=engine)
    _WORKER["to_rdflib"] = TermCache(term_to_rdflib)


def _worker_validate(text: str) -> dict[str, Any]:
    to_rdflib = _WORKER["to_rdflib"]
    native = [(t.subject, t.predicate, t.object)
              for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]
    graph = [(to_rdflib(s), to_rdflib(p), to_rdflib(o)) for s, p, o in native]
    return validate_triples(_WORKER["validator"], graph, native).to_dict()
