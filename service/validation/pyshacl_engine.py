"""Reference engine: pySHACL over the same shapes and vocabularies.

Why kept: pySHACL is the conformance reference for our fast engine (tests assert both give the
same result set on the whole corpus) and for the oracle against the official SEMIC shapes.
It re-processes the shapes and copies the vocabularies into the data graph on every call,
which makes it too slow for the write path (see docs/validation.md).
"""

from __future__ import annotations

import threading

from pyshacl import validate as pyshacl_validate
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .compiler import messages_of
from .loader import Sources
from .report import ValidationResult, node_str


def path_str(g: Graph, path: Node | None) -> str | None:
    """Plain IRI for predicate paths, ``^IRI`` for inverse paths."""
    if path is None:
        return None
    inv = g.value(path, SH.inversePath)
    return "^" + str(inv) if inv is not None else node_str(path)


def pick_messages(literals: list[Literal]) -> tuple[str, str]:
    """French and English messages; an untagged message stands in for a missing language."""
    by_lang = {(m.language or ""): str(m) for m in literals}
    plain = by_lang.get("", next(iter(by_lang.values()), ""))
    return by_lang.get("fr", plain), by_lang.get("en", plain)


def results_from_graph(g: Graph, shapes: Graph | None = None) -> list[ValidationResult]:
    """Turn a SHACL validation report graph into ValidationResult values.

    With ``shapes``, messages are read from the shape (or SPARQL constraint) itself, because
    pySHACL keeps only one language of a SPARQL constraint's sh:message.
    """
    out = []
    nested = set(g.objects(None, SH.detail))  # sub-results of sh:node / sh:or, not reported
    for r in g.subjects(RDF.type, SH.ValidationResult):
        if r in nested:
            continue
        fr, en = pick_messages([m for m in g.objects(r, SH.resultMessage)
                                if isinstance(m, Literal)])
        if shapes is not None:
            own = messages_of(shapes, g.value(r, SH.sourceConstraint)) or messages_of(
                shapes, g.value(r, SH.sourceShape))
            fr, en = own or (fr, en)
        out.append(ValidationResult(
            focus=node_str(g.value(r, SH.focusNode)) or "",
            path=path_str(g, g.value(r, SH.resultPath)),
            value=node_str(g.value(r, SH.value)),
            severity=str(g.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
            message_fr=fr, message_en=en,
            shape=node_str(g.value(r, SH.sourceShape)),
        ))
    return out


def merge_background(data: Graph, vocab: Graph) -> Graph:
    """A new graph holding the data plus the vocabularies (the data graph is not modified)."""
    merged = Graph()
    for t in data:
        merged.add(t)
    for t in vocab:
        merged.add(t)
    return merged


class PyshaclEngine:
    """Runs pySHACL with inference off, vocabularies merged in as data, no imports."""

    name = "pyshacl"

    def __init__(self, sources: Sources) -> None:
        self._sources = sources
        self._lock = threading.Lock()  # pySHACL is not documented as re-entrant

    def run(self, data: Graph) -> list[ValidationResult]:
        merged = merge_background(data, self._sources.vocab)
        with self._lock:
            _conforms, report, _text = pyshacl_validate(
                merged, shacl_graph=self._sources.shapes,
                inference="none", abort_on_first=False, allow_warnings=True,
                allow_infos=True, do_owl_imports=False, inplace=True,
            )
        return results_from_graph(report, self._sources.shapes)
