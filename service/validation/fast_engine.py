"""Fast engine: evaluates the compiled shapes directly over rdflib graphs.

Why: pySHACL costs 20-45 ms per call because it re-reads the shapes and copies the vocabularies
into the data graph; this engine compiles once and looks the vocabularies up in place, giving
the same results (asserted by tests/validation/test_engines.py) in a few milliseconds.
Semantics follow SHACL Core as implemented by pySHACL 0.40 (e.g. ill-typed literals never
match their datatype), restricted to the constraint kinds listed in compiler.CONSTRAINTS.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from .compiler import Constraint, Shape, ShapeCompiler
from .index import TripleIndex
from .loader import Sources, subclass_closure
from .report import ValidationResult, node_str

# Python value types pySHACL checks for the datatypes whose value space it knows.
_VALUE_TYPES = {
    XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: (int,),
    XSD.float: (float,), XSD.decimal: (Decimal,), XSD.boolean: (bool,), XSD.date: (date,),
    XSD.time: (time,), XSD.dateTime: (datetime,),
}
_NODE_KINDS = {
    SH.IRI: (URIRef,), SH.Literal: (Literal,), SH.BlankNode: (BNode,),
    SH.BlankNodeOrIRI: (BNode, URIRef), SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
# raw result: (focus, path, value, shape, constraint)
Raw = tuple[Node, tuple | None, Node | None, Shape, Constraint]


def datatype_matches(v: Node, dt: URIRef) -> bool:
    """Same rule as pySHACL's DatatypeConstraintComponent."""
    if not isinstance(v, Literal):
        return False
    if v.datatype == dt:
        if getattr(v, "ill_typed", None) is True:
            return False
        types = _VALUE_TYPES.get(dt)
        return types is None or isinstance(v.value, types)
    if dt == RDFS.Literal:
        return True
    if v.datatype is None and v.language is None and dt == XSD.string:
        return isinstance(v.value, (str, bytes))
    return dt == RDF.langString and bool(v.language)


def lang_matches(lang: str | None, ranges: tuple[str, ...]) -> bool:
    if not lang:
        return False
    lang = lang.lower()
    return any(r == "*" or lang == r or lang.startswith(r + "-") for r in ranges)


class _Context:
    """Per-call view of data ∪ vocabulary, without copying the vocabulary."""

    def __init__(self, data: TripleIndex, sources: Sources, vocab: TripleIndex) -> None:
        self.data = data
        self.vocab = vocab
        self.vocab_types = sources.vocab_types
        supers = sources.superclasses
        if data.has_predicate(RDFS.subClassOf):
            supers = subclass_closure(sources.vocab, data)
        self.types: dict[Node, set[Node]] = {}
        for s, t in data.subject_objects(RDF.type):
            self.types.setdefault(s, set()).update(supers.get(t, (t,)))
        for n, ts in sources.vocab_types.items():
            if n in self.types:
                self.types[n].update(ts)
        self._values: dict[tuple, list[Node]] = {}

    def types_of(self, n: Node) -> set[Node] | frozenset[Node]:
        return self.types.get(n) or self.vocab_types.get(n, frozenset())

    def values(self, focus: Node, path: tuple | None) -> list[Node]:
        if path is None:
            return [focus]
        key = (focus, path)
        cached = self._values.get(key)
        if cached is not None:
            return cached
        how, p = path
        if how == "pred":
            vals = set(self.data.objects(focus, p))
            if focus in self.vocab_types:
                vals.update(self.vocab.objects(focus, p))
        else:
            vals = set(self.data.subjects(p, focus))
            vals.update(self.vocab.subjects(p, focus))
        out = self._values[key] = sorted(vals, key=str)
        return out

    def focus_nodes(self, cls: Node) -> set[Node]:
        """Instances of cls that the data mentions (vocabulary-only nodes are left out)."""
        found = {n for n, ts in self.types.items() if cls in ts}
        for n, ts in self.mentioned_vocab().items():
            if cls in ts:
                found.add(n)
        return found

    def mentioned_vocab(self) -> dict[Node, frozenset[Node]]:
        """Vocabulary nodes the data mentions, with their types (computed once per call)."""
        if not hasattr(self, "_mentioned"):
            vt = self.vocab_types
            self._mentioned = {n: vt[n] for n in self.data.mentioned()
                               if not isinstance(n, Literal) and n in vt}
        return self._mentioned


class FastEngine:
    """Compiled-shape SHACL evaluation; stateless per call, so safe to share between threads."""

    name = "fast"

    def __init__(self, sources: Sources) -> None:
        self._sources = sources
        self._roots = ShapeCompiler(sources.shapes).compile_all()
        self._vocab = TripleIndex(sources.vocab)

    def run(self, data: Graph | TripleIndex | Iterable[tuple]) -> list[ValidationResult]:
        """Validate an rdflib graph, a TripleIndex or any iterable of rdflib-term triples."""
        ctx = _Context(data if isinstance(data, TripleIndex) else TripleIndex(data),
                       self._sources, self._vocab)
        out = []
        for shape in self._roots:
            focus = set()
            for cls in shape.targets:
                focus |= ctx.focus_nodes(cls)
            for f in sorted(focus, key=str):
                for raw in self._shape_results(shape, f, ctx):
                    out.append(self._to_result(raw))
        return out

    def _to_result(self, raw: Raw) -> ValidationResult:
        focus, path, value, shape, c = raw
        fr, en = c.messages or shape.messages or (f"{c.kind} constraint failed",) * 2
        path_s = None
        if path is not None:
            path_s = ("^" if path[0] == "inv" else "") + str(path[1])
        return ValidationResult(node_str(focus) or "", path_s, node_str(value), shape.severity,
                                fr, en, node_str(shape.node))

    def conforms(self, shape: Shape, node: Node, ctx: _Context) -> bool:
        return next(self._shape_results(shape, node, ctx), None) is None

    def _shape_results(self, shape: Shape, focus: Node, ctx: _Context) -> Iterator[Raw]:
        values = ctx.values(focus, shape.path)
        for c in shape.constraints:
            yield from self._constraint(shape, c, focus, values, ctx)
        for ps in shape.properties:
            for v in values:
                yield from self._shape_results(ps, v, ctx)

    def _constraint(self, shape: Shape, c: Constraint, focus: Node, values: list[Node],
                    ctx: _Context) -> Iterator[Raw]:
        path, k, a = shape.path, c.kind, c.arg
        if k == "min":
            if len(values) < a:
                yield focus, path, None, shape, c
        elif k == "max":
            if len(values) > a:
                yield focus, path, None, shape, c
        elif k == "qualified":
            inner, qmin, qmax = a
            n = sum(1 for v in values if self.conforms(inner, v, ctx))
            if (qmin is not None and n < qmin) or (qmax is not None and n > qmax):
                yield focus, path, None, shape, c
        elif k == "uniqueLang":
            if a:
                langs = [v.language.lower() for v in values
                         if isinstance(v, Literal) and v.language]
                if len(langs) != len(set(langs)):  # one result per focus (pySHACL dedups)
                    yield focus, path, None, shape, c
        elif k == "hasValue":
            if a not in values:
                yield focus, path, None, shape, c
        elif k == "sparql":
            for d in ctx.data.select(a, focus):
                p = d.get("path")
                yield (focus, ("pred", p) if p is not None else None,
                       d.get("value", focus), shape, c)
        else:
            for v in values:
                if not self._value_ok(k, a, v, ctx):
                    yield focus, path, v, shape, c

    def _value_ok(self, k: str, a, v: Node, ctx: _Context) -> bool:
        if k == "kind":
            return isinstance(v, _NODE_KINDS[a])
        if k == "datatype":
            return datatype_matches(v, a)
        if k == "class":
            return not isinstance(v, Literal) and a in ctx.types_of(v)
        if k == "node":
            return self.conforms(a, v, ctx)
        if k == "or":
            return any(self.conforms(s, v, ctx) for s in a)
        if k == "in":
            return v in a
        if k == "pattern":
            return not isinstance(v, BNode) and a.search(str(v)) is not None
        if k == "languageIn":
            return isinstance(v, Literal) and lang_matches(v.language, a)
        raise ValueError(f"unknown constraint kind {k}")
