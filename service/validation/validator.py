"""The Validator facade: load shapes and vocabularies once, validate graphs many times."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from rdflib import Graph

from .fast_engine import FastEngine
from .loader import Sources, load_sources
from .report import Report, ValidationResult


class Engine(Protocol):
    """What both engines offer: the results of one graph, in no particular order."""

    name: str

    def run(self, data: Graph, /) -> list[ValidationResult]: ...


def _pyshacl(sources: Sources) -> Engine:
    """Imported on use: pySHACL (and rdflib's SPARQL engine it loads) weighs on every process
    start, and only the reference checks and `--engine pyshacl` run it."""
    from .pyshacl_engine import PyshaclEngine

    return PyshaclEngine(sources)


ENGINES: dict[str, Callable[[Sources], Engine]] = {"fast": FastEngine, "pyshacl": _pyshacl}


class Validator:
    """Validates a record graph (or a whole catalogue) against shapes/ with vocab/ as background.

    ``engine="fast"`` (default) is the compiled engine used on the write path;
    ``engine="pyshacl"`` is the reference implementation giving the same results, slower.
    An instance is immutable after construction and can be shared between threads.
    """

    def __init__(self, shapes_dir: str | Path | None = None, vocab_dir: str | Path | None = None,
                 engine: str = "fast") -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; choose one of {sorted(ENGINES)}")
        # Kept so that worker processes can build the same validator (bulk imports).
        self.dirs = (str(shapes_dir) if shapes_dir else None, str(vocab_dir) if vocab_dir else None)
        self.sources = load_sources(
            Path(shapes_dir) if shapes_dir else None, Path(vocab_dir) if vocab_dir else None)
        self.engine_name = engine
        self._engine = ENGINES[engine](self.sources)

    def validate(self, graph: Graph) -> Report:
        """Validate every targeted node of ``graph`` (datasets, distributions, agents...)."""
        return Report.from_results(self._engine.run(graph))
