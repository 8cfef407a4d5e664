"""Fast engine: evaluates the compiled shapes directly over rdflib graphs.

Why: pySHACL costs 20-45 ms per call because it re-reads the shapes and copies the vocabularies
into the data graph; this engine compiles once and looks the vocabularies up in place, giving
the same results (asserted by tests/validation/test_engines.py) in a few milliseconds.
Semantics follow SHACL Core as implemented by pySHACL 0.40 (e.g. ill-typed literals never
match their datatype), restricted to the constraint kinds listed in compiler.CONSTRAINTS.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from .compiler import Constraint, Shape, ShapeCompiler
from .index import TripleIndex, canonical, register_iris
from .loader import Sources, subclass_closure
from .report import ValidationResult, node_str
from .sparql_precheck import compile_precheck, query_predicates

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
_EMPTY: frozenset = frozenset()
_EMPTY_DICT: dict = {}


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

    __slots__ = ("data", "sp", "vocab", "vocab_types", "types", "_by_class")

    def __init__(self, data: TripleIndex, sources: Sources, vocab: TripleIndex,
                 vocab_types: dict[Node, frozenset[Node]],
                 superclasses: dict[Node, frozenset[Node]]) -> None:
        self.data = data
        self.sp = data._sp  # subject -> predicate -> objects: the hot lookup, one attribute away
        self.vocab = vocab
        self.vocab_types = vt = vocab_types
        supers = superclasses
        if data.has_predicate(RDFS.subClassOf):
            supers = subclass_closure(sources.vocab, data)
        types: dict[Node, set[Node]] = {}
        for s, t in data.subject_objects(RDF.type):
            known = types.get(s)
            if known is None:
                known = types[s] = set()
            known.update(supers.get(t, (t,)))
        for n, ts in types.items():
            extra = vt.get(n)
            if extra:
                ts.update(extra)
        self.types = types
        self._by_class: dict[Node, set[Node]] | None = None

    def types_of(self, n: Node) -> set[Node] | frozenset[Node]:
        return self.types.get(n) or self.vocab_types.get(n, _EMPTY)

    def focus_nodes(self, cls: Node) -> set[Node]:
        """Instances of cls that the data mentions (vocabulary-only nodes are left out)."""
        by_class = self._by_class
        if by_class is None:
            by_class = self._by_class = {}
            vt = self.vocab_types
            # vocabulary nodes the data mentions (literals left out before hashing them:
            # rdflib hashes literals in Python)
            mentioned = {n: vt[n] for n in self.sp if n in vt and not _is_literal(n)}
            for by_o in self.data._po.values():
                for n in by_o:
                    if not _is_literal(n) and n in vt:
                        mentioned[n] = vt[n]
            for source in (self.types, mentioned):
                for n, ts in source.items():
                    for t in ts:
                        nodes = by_class.get(t)
                        if nodes is None:
                            by_class[t] = {n}
                        else:
                            nodes.add(n)
        return by_class.get(cls, _EMPTY)


_LITERAL_TYPE: dict[type, bool] = {}


def _is_literal(v: Node) -> bool:
    """isinstance(v, Literal), memoised by type (rdflib terms are ABCs)."""
    t = type(v)
    r = _LITERAL_TYPE.get(t)
    if r is None:
        r = _LITERAL_TYPE[t] = isinstance(v, Literal)
    return r


# -- values of a path, chosen once per shape --------------------------------------------------
def _self_values(focus: Node, ctx: _Context) -> tuple[Node]:
    return (focus,)


def _pred_values(p: URIRef):
    def values(focus: Node, ctx: _Context):
        by_p = ctx.sp.get(focus)
        vals = by_p.get(p, _EMPTY) if by_p is not None else _EMPTY
        if focus in ctx.vocab_types:
            extra = ctx.vocab.objects(focus, p)
            if extra:
                vals = vals | extra
        return vals
    return values


def _inv_values(p: URIRef):
    def values(focus: Node, ctx: _Context):
        vals = ctx.data.subjects(p, focus)
        extra = ctx.vocab.subjects(p, focus)
        return vals | extra if extra else vals
    return values


class _Plan:
    """One shape compiled to flat lists of checks (no per-value dispatch on constraint kinds,
    no generators): ``results`` appends to a list, ``conforms`` stops at the first failure.
    Either way a value set is never copied nor sorted (report.Report sorts the results)."""

    __slots__ = ("values", "empty", "counts", "checks", "props", "pred_props", "other_props",
                 "by_pred", "must_have", "sparql", "path_s")

    def __init__(self) -> None:
        self.props: list[_Plan] = []

    def results(self, focus: Node, ctx: _Context, out: list) -> None:
        if self.sparql:
            self._sparql_results(focus, ctx, out)
        vals = self.values(focus, ctx)
        if vals:
            self.results_of(focus, vals, ctx, out)
        else:
            path_s = self.path_s
            for meta in self.empty:
                out.append((focus, path_s, None, meta))

    def results_of(self, focus: Node, vals, ctx: _Context, out: list) -> None:
        """Results for a focus whose value set is known and not empty (sparql aside)."""
        path_s = self.path_s
        for fails, meta in self.counts:
            if fails(vals, ctx):
                out.append((focus, path_s, None, meta))
        for ok, meta in self.checks:
            for v in vals:
                if not ok(v, ctx):
                    out.append((focus, path_s, v, meta))
        pred_props, other_props = self.pred_props, self.other_props
        sp, vocab_types = ctx.sp, ctx.vocab_types
        for v in vals:
            if pred_props:
                # Most property shapes find no value. Walk the node's own predicates (a dozen)
                # rather than the shapes' (up to ~80), then settle the shapes that fail on no
                # value (minCount...) with no call each.
                by_p = sp.get(v, _EMPTY_DICT)
                if v in vocab_types:
                    self._vocab_node_results(v, by_p, ctx, out)
                else:
                    by_pred = self.by_pred
                    for p, pv in by_p.items():
                        props = by_pred.get(p)
                        if props is not None:
                            for prop in props:
                                prop.results_of(v, pv, ctx, out)
                    for p, prop in self.must_have:
                        if p not in by_p:
                            path_p = prop.path_s
                            for meta in prop.empty:
                                out.append((v, path_p, None, meta))
            for prop in other_props:
                prop.results(v, ctx, out)

    def _vocab_node_results(self, v: Node, by_p: dict, ctx: _Context, out: list) -> None:
        """Property shapes on a node the vocabularies describe: values from both."""
        for p, prop in self.pred_props:
            pv = by_p.get(p)
            extra = ctx.vocab.objects(v, p)
            if extra:
                pv = extra | pv if pv else extra
            if pv:
                prop.results_of(v, pv, ctx, out)
            elif prop.empty:
                path_p = prop.path_s
                for meta in prop.empty:
                    out.append((v, path_p, None, meta))

    def conforms(self, focus: Node, ctx: _Context) -> bool:
        if self.sparql:
            for query, may_match, preds, _meta in self.sparql:
                if (may_match is None or may_match(focus, ctx.data)) \
                        and next(ctx.data.select(query, focus, preds), None) is not None:
                    return False
        vals = self.values(focus, ctx)
        if not vals:
            return not self.empty
        for fails, _meta in self.counts:
            if fails(vals, ctx):
                return False
        for ok, _meta in self.checks:
            for v in vals:
                if not ok(v, ctx):
                    return False
        for prop in self.props:
            for v in vals:
                if not prop.conforms(v, ctx):
                    return False
        return True

    def _sparql_results(self, focus: Node, ctx: _Context, out: list) -> None:
        for query, may_match, preds, meta in self.sparql:
            if may_match is not None and not may_match(focus, ctx.data):
                continue
            for d in ctx.data.select(query, focus, preds):
                p = d.get("path")
                out.append((focus, None if p is None else str(p), d.get("value", focus), meta))


def _meta(shape: Shape, c: Constraint) -> tuple[str, str, str, str | None]:
    """(severity, message fr, message en, shape) of the results of one constraint."""
    fr, en = c.messages or shape.messages or (f"{c.kind} constraint failed",) * 2
    return shape.severity, fr, en, node_str(shape.node)


class _PlanCompiler:
    """Shape -> _Plan, memoised (shapes refer to each other, sometimes recursively)."""

    def __init__(self) -> None:
        self.plans: dict[int, _Plan] = {}

    def finish(self) -> None:
        """Second pass, once every plan is complete (shapes may refer to each other): the
        property shapes that give a result when their predicate is absent."""
        for plan in self.plans.values():
            plan.must_have = [(p, prop) for p, prop in plan.pred_props if prop.empty]

    def plan(self, shape: Shape) -> _Plan:
        plan = self.plans.get(id(shape))
        if plan is not None:
            return plan
        plan = self.plans[id(shape)] = _Plan()  # before recursing
        path = shape.path
        if path is None:
            plan.values, plan.path_s = _self_values, None
        elif path[0] == "inv":
            plan.values, plan.path_s = _inv_values(canonical(path[1])), "^" + str(path[1])
        else:
            plan.values, plan.path_s = _pred_values(canonical(path[1])), str(path[1])
        plan.empty, plan.counts, plan.checks, plan.sparql = [], [], [], []
        for c in shape.constraints:
            meta = _meta(shape, c)
            if c.kind == "sparql":
                plan.sparql.append((c.arg, compile_precheck(c.arg), query_predicates(c.arg), meta))
            elif c.kind in _COUNT_CHECKS:
                fails, fails_empty = _COUNT_CHECKS[c.kind](self, c.arg)
                if fails is not None:
                    plan.counts.append((fails, meta))
                if fails_empty:
                    plan.empty.append(meta)
            else:
                plan.checks.append((_VALUE_CHECKS[c.kind](self, c.arg), meta))
        plan.props = [self.plan(p) for p in shape.properties]
        # property shapes on a plain predicate without SPARQL: their values are looked up by
        # the parent in one go (see _Plan.results_of); the others compute their own
        plan.pred_props, plan.other_props = [], []
        for prop_shape, prop in zip(shape.properties, plan.props, strict=True):
            if prop_shape.path is not None and prop_shape.path[0] == "pred" and not any(
                    c.kind == "sparql" for c in prop_shape.constraints):
                plan.pred_props.append((canonical(prop_shape.path[1]), prop))
            else:
                plan.other_props.append(prop)
        plan.by_pred, plan.must_have = {}, []
        for p, prop in plan.pred_props:
            plan.by_pred.setdefault(p, []).append(prop)
        return plan


# -- constraints on the whole value set: kind -> (compiler, arg) -> (fails(values, ctx) or None,
#    does it fail when there is no value) -------------------------------------------------------
def _min(pc: _PlanCompiler, a: int):
    return (lambda vals, ctx: len(vals) < a), a > 0


def _max(pc: _PlanCompiler, a: int):
    return (lambda vals, ctx: len(vals) > a), a < 0


def _qualified(pc: _PlanCompiler, a):
    inner_shape, qmin, qmax = a
    inner = pc.plan(inner_shape)

    def fails(vals, ctx: _Context) -> bool:
        n = 0
        for v in vals:
            if inner.conforms(v, ctx):
                n += 1
        return (qmin is not None and n < qmin) or (qmax is not None and n > qmax)
    return fails, (qmin is not None and qmin > 0) or (qmax is not None and qmax < 0)


def _unique_lang(pc: _PlanCompiler, a: bool):
    if not a:
        return None, False

    def fails(vals, ctx: _Context) -> bool:  # one result per focus (pySHACL dedups)
        langs = [v.language.lower() for v in vals if isinstance(v, Literal) and v.language]
        return len(langs) != len(set(langs))
    return fails, False


def _has_value(pc: _PlanCompiler, a: Node):
    return (lambda vals, ctx: a not in list(vals)), True


_COUNT_CHECKS = {"min": _min, "max": _max, "qualified": _qualified,
                 "uniqueLang": _unique_lang, "hasValue": _has_value}


# -- constraints on each value: kind -> (compiler, arg) -> ok(value, ctx) ----------------------
def _node_kind(pc: _PlanCompiler, a):
    kinds = _NODE_KINDS[a]
    by_type: dict[type, bool] = {}  # rdflib terms are ABCs: isinstance is slow, type() is not

    def ok(v: Node, ctx: _Context) -> bool:
        t = type(v)
        r = by_type.get(t)
        if r is None:
            r = by_type[t] = isinstance(v, kinds)
        return r
    return ok


def _datatype(pc: _PlanCompiler, a):
    return lambda v, ctx: datatype_matches(v, a)


def _class(pc: _PlanCompiler, a):
    a = canonical(a)

    def ok(v: Node, ctx: _Context) -> bool:
        if _is_literal(v):
            return False
        ts = ctx.types.get(v) or ctx.vocab_types.get(v)
        return ts is not None and a in ts
    return ok


def _node(pc: _PlanCompiler, a: Shape):
    inner = pc.plan(a)
    return inner.conforms


def _or(pc: _PlanCompiler, a):
    inner = [pc.plan(s) for s in a]
    return lambda v, ctx: any(p.conforms(v, ctx) for p in inner)


def _in(pc: _PlanCompiler, a):
    return lambda v, ctx: v in a


def _pattern(pc: _PlanCompiler, a):
    return lambda v, ctx: not isinstance(v, BNode) and a.search(str(v)) is not None


def _language_in(pc: _PlanCompiler, a):
    return lambda v, ctx: isinstance(v, Literal) and lang_matches(v.language, a)


_VALUE_CHECKS = {"kind": _node_kind, "datatype": _datatype, "class": _class, "node": _node,
                 "or": _or, "in": _in, "pattern": _pattern, "languageIn": _language_in}


class FastEngine:
    """Compiled-shape SHACL evaluation; stateless per call, so safe to share between threads."""

    name = "fast"

    def __init__(self, sources: Sources) -> None:
        self._sources = sources
        # One object per shape/vocabulary IRI, shared with every TripleIndex (see index.py).
        for graph in (sources.shapes, sources.vocab):
            register_iris(t for triple in graph for t in triple)

        def canon_map(m: dict[Node, frozenset[Node]]) -> dict[Node, frozenset[Node]]:
            return {canonical(k): frozenset(map(canonical, v)) for k, v in m.items()}

        self._vocab_types = canon_map(sources.vocab_types)
        self._superclasses = canon_map(sources.superclasses)
        self._roots = ShapeCompiler(sources.shapes).compile_all()
        compiler = _PlanCompiler()
        self._plans = [(tuple(map(canonical, shape.targets)), compiler.plan(shape))
                       for shape in self._roots]
        compiler.finish()
        self._vocab = TripleIndex(sources.vocab)

    def run(self, data: Graph | TripleIndex | Iterable[tuple]) -> list[ValidationResult]:
        """Validate an rdflib graph, a TripleIndex or any iterable of rdflib-term triples.
        The results come in no particular order (``Report.from_results`` sorts them)."""
        ctx = _Context(data if isinstance(data, TripleIndex) else TripleIndex(data),
                       self._sources, self._vocab, self._vocab_types, self._superclasses)
        raw: list = []
        for targets, plan in self._plans:
            if len(targets) == 1:
                focus = ctx.focus_nodes(targets[0])
            else:
                focus = set()
                for cls in targets:
                    focus |= ctx.focus_nodes(cls)
            for f in focus:
                plan.results(f, ctx, raw)
        return [ValidationResult(node_str(f) or "", path_s, node_str(v), *meta)
                for f, path_s, v, meta in raw]
