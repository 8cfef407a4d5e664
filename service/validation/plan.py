"""Shapes compiled to plans: flat lists of checks the fast engine runs over a record.

Why: evaluating the compiled shapes (compiler.Shape) by dispatching on constraint-kind strings
through generators cost most of a validation. A plan is built once per shape: how to get the
values of its path, the constraints on the whole value set, the per-value checks as closures,
the results it gives when there is no value at all, its property shapes keyed by predicate.
"No result" is the fast path: nothing is sorted or copied, and a property shape whose
predicate the node lacks costs nothing unless it demands a value. Result order is not kept
(report.Report sorts). Semantics follow pySHACL 0.40 (see fast_engine).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeAlias, TypeGuard

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from .compiler import Constraint, Shape
from .index import canonical
from .report import node_str
from .sparql_precheck import compile_precheck, query_predicates

_Context = Any  # fast_engine._Context: data and vocabulary lookups of one call
Values: TypeAlias = Collection[Node]  # the value set of a path at one focus node
# (severity, message fr, message en, shape) of the results of one constraint
Meta: TypeAlias = tuple[str, str, str, str | None]
# (focus, path, value, meta): one result, before report.ValidationResult
RawResult: TypeAlias = tuple[Node, str | None, Node | None, Meta]
ValuesOf = Callable[[Node, _Context], Values]
CountCheck = Callable[[Values, _Context], bool]  # True: the value set fails
ValueCheck = Callable[[Node, _Context], bool]  # True: the value passes
# (query, precheck or None, predicates it can read or None, meta)
SparqlCheck = tuple[str, Callable[[Node, Any], bool] | None, frozenset[URIRef] | None, Meta]

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
_EMPTY: frozenset[Node] = frozenset()
_EMPTY_DICT: dict[Node, set[Node]] = {}


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


_LITERAL_TYPE: dict[type, bool] = {}


def _is_literal(v: Node) -> TypeGuard[Literal]:
    """isinstance(v, Literal), memoised by type (rdflib terms are ABCs)."""
    t = type(v)
    r = _LITERAL_TYPE.get(t)
    if r is None:
        r = _LITERAL_TYPE[t] = isinstance(v, Literal)
    return r


# -- values of a path, chosen once per shape --------------------------------------------------
def _self_values(focus: Node, ctx: _Context) -> Values:
    return (focus,)


def _pred_values(p: Node) -> ValuesOf:
    def values(focus: Node, ctx: _Context) -> Values:
        by_p = ctx.sp.get(focus)
        vals = by_p.get(p, _EMPTY) if by_p is not None else _EMPTY
        if focus in ctx.vocab_types:
            extra = ctx.vocab.objects(focus, p)
            if extra:
                vals = vals | extra
        return vals
    return values


def _inv_values(p: Node) -> ValuesOf:
    def values(focus: Node, ctx: _Context) -> Values:
        vals = ctx.data.subjects(p, focus)
        extra = ctx.vocab.subjects(p, focus)
        return vals | extra if extra else vals  # type: ignore[no-any-return]
    return values


class _Plan:
    """One shape compiled to flat lists of checks (no per-value dispatch on constraint kinds,
    no generators): ``results`` appends to a list, ``conforms`` stops at the first failure.
    Either way a value set is never copied nor sorted (report.Report sorts the results)."""

    __slots__ = ("values", "empty", "counts", "checks", "props", "pred_props", "other_props",
                 "by_pred", "must_have", "sparql", "path_s")
    values: ValuesOf
    path_s: str | None
    empty: list[Meta]  # the results when there is no value
    counts: list[tuple[CountCheck, Meta]]
    checks: list[tuple[ValueCheck, Meta]]
    sparql: list[SparqlCheck]
    props: list[_Plan]
    pred_props: list[tuple[Node, _Plan]]  # property shapes on a plain predicate
    other_props: list[_Plan]
    by_pred: dict[Node, list[_Plan]]
    must_have: list[tuple[Node, _Plan]]  # pred_props that give a result with no value

    def __init__(self) -> None:
        self.props: list[_Plan] = []

    def results(self, focus: Node, ctx: _Context, out: list[RawResult]) -> None:
        if self.sparql:
            self._sparql_results(focus, ctx, out)
        vals = self.values(focus, ctx)
        if vals:
            self.results_of(focus, vals, ctx, out)
        else:
            path_s = self.path_s
            for meta in self.empty:
                out.append((focus, path_s, None, meta))

    def results_of(self, focus: Node, vals: Values, ctx: _Context, out: list[RawResult]
                   ) -> None:
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

    def _vocab_node_results(self, v: Node, by_p: dict[Node, set[Node]], ctx: _Context,
                            out: list[RawResult]) -> None:
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

    def _sparql_results(self, focus: Node, ctx: _Context, out: list[RawResult]) -> None:
        for query, may_match, preds, meta in self.sparql:
            if may_match is not None and not may_match(focus, ctx.data):
                continue
            for d in ctx.data.select(query, focus, preds):
                p = d.get("path")
                out.append((focus, None if p is None else str(p), d.get("value", focus), meta))


def _meta(shape: Shape, c: Constraint) -> Meta:
    """(severity, message fr, message en, shape) of the results of one constraint."""
    fr, en = c.messages or shape.messages or (f"{c.kind} constraint failed",) * 2
    return shape.severity, fr, en, node_str(shape.node)


class PlanCompiler:
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
# What a value-set constraint compiles to: (fails or None, does it fail when there is no value)
_Count = tuple[CountCheck | None, bool]


def _min(pc: PlanCompiler, a: int) -> _Count:
    return (lambda vals, ctx: len(vals) < a), a > 0


def _max(pc: PlanCompiler, a: int) -> _Count:
    return (lambda vals, ctx: len(vals) > a), a < 0


def _qualified(pc: PlanCompiler, a: tuple[Shape, int | None, int | None]) -> _Count:
    inner_shape, qmin, qmax = a
    inner = pc.plan(inner_shape)

    def fails(vals: Values, ctx: _Context) -> bool:
        n = 0
        for v in vals:
            if inner.conforms(v, ctx):
                n += 1
        return (qmin is not None and n < qmin) or (qmax is not None and n > qmax)
    return fails, (qmin is not None and qmin > 0) or (qmax is not None and qmax < 0)


def _unique_lang(pc: PlanCompiler, a: bool) -> _Count:
    if not a:
        return None, False

    def fails(vals: Values, ctx: _Context) -> bool:  # one result per focus (pySHACL dedups)
        langs = [v.language.lower() for v in vals if isinstance(v, Literal) and v.language]
        return len(langs) != len(set(langs))
    return fails, False


def _has_value(pc: PlanCompiler, a: Node) -> _Count:
    return (lambda vals, ctx: a not in list(vals)), True


_COUNT_CHECKS: dict[str, Callable[[PlanCompiler, Any], _Count]] = {
    "min": _min, "max": _max, "qualified": _qualified, "uniqueLang": _unique_lang,
    "hasValue": _has_value}


# -- constraints on each value: kind -> (compiler, arg) -> ok(value, ctx) ----------------------
def _node_kind(pc: PlanCompiler, a: URIRef) -> ValueCheck:
    kinds = _NODE_KINDS[a]
    by_type: dict[type, bool] = {}  # rdflib terms are ABCs: isinstance is slow, type() is not

    def ok(v: Node, ctx: _Context) -> bool:
        t = type(v)
        r = by_type.get(t)
        if r is None:
            r = by_type[t] = isinstance(v, kinds)
        return r
    return ok


def _datatype(pc: PlanCompiler, a: URIRef) -> ValueCheck:
    """datatype_matches(v, a), with what depends on ``a`` decided once, and the datatype
    compared as rdflib's __eq__ does (same type, same string) without calling it."""
    types = _VALUE_TYPES.get(a)
    a_type = type(a)
    any_literal, plain_string, lang_string = a == RDFS.Literal, a == XSD.string, \
        a == RDF.langString

    def ok(v: Node, ctx: _Context) -> bool:
        if not _is_literal(v):
            return False
        d = v.datatype
        if d is a or (type(d) is a_type and str.__eq__(d, a)):
            if getattr(v, "ill_typed", None) is True:
                return False
            return types is None or isinstance(v.value, types)
        if any_literal:
            return True
        if d is None and v.language is None and plain_string:
            return isinstance(v.value, (str, bytes))
        return lang_string and bool(v.language)
    return ok


def _class(pc: PlanCompiler, a: Node) -> ValueCheck:
    a = canonical(a)

    def ok(v: Node, ctx: _Context) -> bool:
        if _is_literal(v):
            return False
        ts = ctx.types.get(v) or ctx.vocab_types.get(v)
        return ts is not None and a in ts
    return ok


def _node(pc: PlanCompiler, a: Shape) -> ValueCheck:
    inner = pc.plan(a)
    return inner.conforms


def _or(pc: PlanCompiler, a: tuple[Shape, ...]) -> ValueCheck:
    inner = [pc.plan(s) for s in a]
    return lambda v, ctx: any(p.conforms(v, ctx) for p in inner)


def _in(pc: PlanCompiler, a: tuple[Node, ...]) -> ValueCheck:
    return lambda v, ctx: v in a


def _pattern(pc: PlanCompiler, a: re.Pattern[str]) -> ValueCheck:
    return lambda v, ctx: not isinstance(v, BNode) and a.search(str(v)) is not None


def _language_in(pc: PlanCompiler, a: tuple[str, ...]) -> ValueCheck:
    return lambda v, ctx: isinstance(v, Literal) and lang_matches(v.language, a)


_VALUE_CHECKS: dict[str, Callable[[PlanCompiler, Any], ValueCheck]] = {
    "kind": _node_kind, "datatype": _datatype, "class": _class, "node": _node, "or": _or,
    "in": _in, "pattern": _pattern, "languageIn": _language_in}
