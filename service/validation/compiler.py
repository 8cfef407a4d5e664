"""Compile a SHACL shapes graph into plain Python objects for the fast engine.

Why: pySHACL rebuilds its shape objects on every call; our shapes use a small SHACL subset, so
we read them once into frozen tables of (constraint kind, argument). Any SHACL feature outside
the subset makes compilation fail loudly instead of being silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

# SHACL predicates we know how to evaluate: predicate -> constraint kind.
CONSTRAINTS: dict[Node, str] = {
    SH.minCount: "min", SH.maxCount: "max", SH.nodeKind: "kind", SH.datatype: "datatype",
    SH["class"]: "class", SH.node: "node", SH["or"]: "or", SH["in"]: "in",
    SH.hasValue: "hasValue", SH.pattern: "pattern", SH.languageIn: "languageIn",
    SH.uniqueLang: "uniqueLang", SH.qualifiedValueShape: "qualified", SH.sparql: "sparql",
}
# Predicates that are part of a shape but carry no constraint of their own.
IGNORED = {
    RDF.type, SH.path, SH.severity, SH.message, SH.targetClass, SH.property, SH.name,
    SH.description, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.flags, SH.deactivated,
    URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
}


@dataclass(frozen=True)
class Constraint:
    kind: str
    arg: Any
    messages: tuple[str, str] | None = None  # only SPARQL constraints carry their own


@dataclass
class Shape:
    node: Node
    path: tuple[str, Node] | None = None  # ("pred"|"inv", predicate)
    severity: str = "Violation"
    messages: tuple[str, str] | None = None
    targets: tuple[Node, ...] = ()
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)


def messages_of(g: Graph, node: Node | None) -> tuple[str, str] | None:
    """(fr, en) sh:message of a shape; an untagged message stands in for a missing language."""
    if node is None:
        return None
    lits = [m for m in g.objects(node, SH.message) if isinstance(m, Literal)]
    if not lits:
        return None
    by_lang = {(m.language or ""): str(m) for m in lits}
    plain = by_lang.get("", next(iter(by_lang.values())))
    return by_lang.get("fr", plain), by_lang.get("en", plain)


class ShapeCompiler:
    """Reads node and property shapes (recursively, memoised) from a shapes graph."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self.cache: dict[Node, Shape] = {}

    def compile_all(self) -> list[Shape]:
        """Shapes with targets, i.e. the roots of validation."""
        roots = {s for s in self.g.subjects(SH.targetClass, None)}
        return [self.shape(s) for s in sorted(roots, key=str)]

    def shape(self, node: Node) -> Shape:
        if node in self.cache:
            return self.cache[node]
        g = self.g
        sh = Shape(node)
        self.cache[node] = sh  # before recursing: tolerate recursive references
        path = g.value(node, SH.path)
        if path is not None:
            inv = g.value(path, SH.inversePath) if isinstance(path, BNode) else None
            if isinstance(path, BNode) and inv is None:
                raise ValueError(f"unsupported complex path in {node}")
            sh.path = ("inv", inv) if inv is not None else ("pred", path)
        sev = g.value(node, SH.severity)
        sh.severity = str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"
        sh.messages = messages_of(g, node)
        sh.targets = tuple(sorted(g.objects(node, SH.targetClass), key=str))
        sh.properties = [self.shape(p) for p in sorted(g.objects(node, SH.property), key=str)]
        for pred, obj in sorted(g.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
            if pred in IGNORED:
                continue
            kind = CONSTRAINTS.get(pred)
            if kind is None:
                raise ValueError(f"unsupported SHACL predicate {pred} in shape {node}")
            sh.constraints.append(self.constraint(node, kind, obj))
        return sh

    def constraint(self, node: Node, kind: str, obj: Node) -> Constraint:
        g = self.g
        if kind in ("min", "max"):
            return Constraint(kind, int(_literal(node, obj)))
        if kind == "uniqueLang":
            return Constraint(kind, bool(_literal(node, obj).toPython()))
        if kind == "node":
            return Constraint(kind, self.shape(obj))
        if kind == "or":
            return Constraint(kind, tuple(self.shape(x) for x in Collection(g, obj)))
        if kind in ("in", "languageIn"):
            items = tuple(Collection(g, obj))
            return Constraint(kind, items if kind == "in" else tuple(str(x).lower() for x in items))
        if kind == "qualified":
            qmin = g.value(node, SH.qualifiedMinCount)
            qmax = g.value(node, SH.qualifiedMaxCount)
            return Constraint(kind, (self.shape(obj),
                                     None if qmin is None else int(_literal(node, qmin)),
                                     None if qmax is None else int(_literal(node, qmax))))
        if kind == "pattern":
            import re

            flags = str(g.value(node, SH.flags) or "")
            return Constraint(kind, re.compile(str(obj), re.I if "i" in flags else 0))
        if kind == "sparql":
            # Run by pyoxigraph over the record (see index.TripleIndex.select); parsed here
            # once so that a bad query fails at load time, not on the first record.
            query = str(g.value(obj, SH.select))
            ox.Store().query(query)
            return Constraint(kind, query, messages_of(g, obj))
        return Constraint(kind, obj)  # kind, datatype, class, hasValue


def _literal(node: Node, obj: Node) -> Literal:
    """The literal a count or flag constraint takes; a shapes file saying otherwise fails at
    load time."""
    if not isinstance(obj, Literal):
        raise ValueError(f"shape {node}: a literal was expected, not {obj}")
    return obj
