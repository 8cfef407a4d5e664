"""Load the shapes and vocabularies once, from local files only.

Why: validation must never reach the network (no owl:imports following) and must not re-parse
Turtle on every call; the loaded graphs are shared, read-only, by both engines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from service.resources import SHAPES_DIR, VOCAB_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]  # the checkout: tests only
DEFAULT_SHAPES_DIR = SHAPES_DIR
DEFAULT_VOCAB_DIR = VOCAB_DIR


@dataclass(frozen=True)
class Sources:
    """Shapes graph, vocabulary graph and the vocabulary's type index."""

    shapes: Graph
    vocab: Graph
    vocab_types: dict[Node, frozenset[Node]]
    superclasses: dict[Node, frozenset[Node]]


class _Edges(Protocol):
    """An rdflib Graph or an index.TripleIndex: (subject, object) pairs of one predicate."""

    def subject_objects(self, predicate: URIRef, /) -> Iterable[tuple[Node, Node]]: ...


def _parse_dir(directory: Path) -> Graph:
    g = Graph()
    for path in sorted(directory.glob("*.ttl")):
        g.parse(path, format="turtle")
    g.remove((None, OWL.imports, None))  # never followed, and keep them out of the way
    return g


def subclass_closure(*graphs: _Edges) -> dict[Node, frozenset[Node]]:
    """class -> all its superclasses (itself included) from rdfs:subClassOf triples."""
    direct: dict[Node, set[Node]] = {}
    for g in graphs:
        for s, o in g.subject_objects(RDFS.subClassOf):
            direct.setdefault(s, set()).add(o)
    closure: dict[Node, frozenset[Node]] = {}
    for c in direct:
        seen, todo = {c}, [c]
        while todo:
            for sup in direct.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        closure[c] = frozenset(seen)
    return closure


def load_sources(shapes_dir: Path | None = None, vocab_dir: Path | None = None) -> Sources:
    """Parse every ``*.ttl`` of the two directories (defaults: repo ``shapes/`` and ``vocab/``)."""
    shapes = _parse_dir(Path(shapes_dir) if shapes_dir else DEFAULT_SHAPES_DIR)
    vocab = _parse_dir(Path(vocab_dir) if vocab_dir else DEFAULT_VOCAB_DIR)
    supers = subclass_closure(vocab)
    types: dict[Node, set[Node]] = {}
    for s, t in vocab.subject_objects(RDF.type):
        types.setdefault(s, set()).update(supers.get(t, (t,)))
    return Sources(shapes, vocab, {k: frozenset(v) for k, v in types.items()}, supers)
