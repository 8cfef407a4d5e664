"""A cheap, sound proof that a SHACL-SPARQL query has no solution for a focus node.

Why: running a ``sh:sparql`` constraint means building a pyoxigraph store from the record and
parsing and running the query: about a sixth of a fast-engine call. Most queries start with a
triple pattern every solution must match (``$this dcat:keyword ?kw``); when the record has no
triple that pattern could match, or when no value of ?kw passes a FILTER that only reads ?kw
(evaluated by sparql_filters, which answers "unknown" beyond plain string functions), the
query has no row and need not run.

Soundness: only triple patterns that every solution must match are used, i.e. those reached
from the top of the query's algebra through operators whose solutions are a subset of (joins
of) their operand's: projection, FILTER (the filtered pattern, never the expression), BIND,
DISTINCT/REDUCED, ORDER BY, LIMIT/OFFSET, both sides of a join, the left side of OPTIONAL and
MINUS. Anything else (UNION, VALUES, sub-queries, GROUP BY / aggregates — an aggregate over
no rows still gives one row —, property paths, variable predicates, FROM clauses, a query
rdflib cannot read) contributes no pattern, so the query simply runs as before. Each pattern
used has a constant IRI predicate and is tested only as "the record has a triple with this
predicate" (with ``$this`` as subject or object when the pattern says so).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib import URIRef, Variable
from rdflib.term import Node

THIS = Variable("this")
# operator -> the operands every solution comes from (all of them must have a solution)
_MANDATORY_OPERANDS = {
    "SelectQuery": ("p",), "Project": ("p",), "Filter": ("p",), "Extend": ("p",),
    "Distinct": ("p",), "Reduced": ("p",), "OrderBy": ("p",), "Slice": ("p",),
    "Join": ("p1", "p2"), "LeftJoin": ("p1",), "Minus": ("p1",),
}

# A test of one record and focus: True when the query may have a solution.
MayMatch = Callable[[Node, Any], bool]
# rdflib's SPARQL algebra: CompValue nodes whose operands are read as attributes
Algebra = Any
Pattern = tuple[Node, URIRef, Node]
# (predicate, condition on one value) from a FILTER: sparql_filters.Evaluator
ValueCondition = tuple[URIRef, Callable[[Any], Any]]


def _algebra(query: str) -> Algebra | None:
    try:
        from rdflib.plugins.sparql import prepareQuery

        algebra = prepareQuery(query).algebra
    except Exception:  # rdflib cannot read it: no proof, the query always runs
        return None
    if algebra.name != "SelectQuery" or algebra.get("datasetClause"):
        return None
    return algebra


def _walk(node: Algebra, patterns: list[Pattern], filters: list[ValueCondition]
          ) -> list[Pattern]:
    """Collect the mandatory patterns under node (returned, and added to ``patterns``) and,
    for each FILTER on the way, the conditions it puts on one value of such a pattern."""
    name = getattr(node, "name", None)
    if name == "BGP":
        found: list[Pattern] = [(s, p, o) for s, p, o in node.triples if type(p) is URIRef]
        patterns.extend(found)
        return found
    found = []
    for key in _MANDATORY_OPERANDS.get(name, ()) if isinstance(name, str) else ():
        operand = node.get(key)
        if operand is not None:
            found.extend(_walk(operand, patterns, filters))
    if name == "Filter":
        filters.extend(_value_conditions(node.expr, found))
    return found


def _value_conditions(expr: Algebra, found: list[Pattern]) -> list[ValueCondition]:
    """(predicate, condition) for each conjunct of a FILTER that only reads one variable ?x
    bound by a mandatory ``$this <p> ?x`` below it: every row has such an ?x."""
    from .sparql_filters import Unsupported, compile_condition, variables

    conjuncts = [expr]
    if getattr(expr, "name", None) == "ConditionalAndExpression":
        conjuncts = [expr.expr, *(expr.other or [])]
    out: list[ValueCondition] = []
    for conjunct in conjuncts:
        try:
            names = variables(conjunct)
            if len(names) != 1:
                continue
            (var,) = names
            preds = [p for s, p, o in found if s == THIS and o == var]
            if preds:
                out.append((preds[0], compile_condition(conjunct, var)))
        except Unsupported:
            continue
    return out


def mandatory_patterns(query: str) -> list[Pattern]:
    """Triple patterns (constant IRI predicate) that every solution of ``query`` matches."""
    algebra = _algebra(query)
    patterns: list[Pattern] = []
    if algebra is not None:
        _walk(algebra, patterns, [])
    return patterns


def compile_precheck(query: str) -> MayMatch | None:
    """A function (focus, record index) -> may the query have a row? None when no pattern
    helps (then the query must always run)."""
    algebra = _algebra(query)
    if algebra is None:
        return None
    patterns: list[Pattern] = []
    filters: list[ValueCondition] = []
    _walk(algebra, patterns, filters)
    tests: list[tuple[str, URIRef]] = []
    for s, p, o in patterns:
        if s == THIS:
            tests.append(("out", p))
        elif o == THIS:
            tests.append(("in", p))
        else:
            tests.append(("any", p))
    if not tests:
        return None
    tests = list(dict.fromkeys(tests))

    def may_match(focus: Node, data: Any) -> bool:  # noqa: ANN401 - index.TripleIndex
        for how, p in tests:
            if how == "out":
                if not data.objects(focus, p):
                    return False
            elif how == "in":
                if not data.subjects(p, focus):
                    return False
            elif not data.has_predicate(p):
                return False
        for p, condition in filters:
            # no value of ?x passes the condition (False for sure): no row
            if all(condition(x) is False for x in data.objects(focus, p)):
                return False
        return True

    return may_match


# -- which triples can a query see? ------------------------------------------------------------
# Algebra operators that may reach triples other than through a constant-predicate pattern
# (named graphs, remote services) or that we would be reading untranslated.
_OPAQUE = {"Graph", "ServiceGraphPattern", "GraphGraphPattern", "TriplesBlock",
           "GroupGraphPatternSub", "TriplesSameSubject", "TriplesSameSubjectPath"}


_EXISTS = {"Builtin_EXISTS", "Builtin_NOTEXISTS"}


class _Unbounded(Exception):
    """The query may read triples of any predicate."""


def query_predicates(query: str) -> frozenset[URIRef] | None:
    """Every IRI a SELECT query can match as a predicate (an over-approximation: all IRIs the
    query names), or None when it may match any predicate.

    Why: a store holding only the record's triples with those predicates gives the query the
    same solutions as the whole record — triple patterns with a constant predicate and paths
    made of IRIs, inverses, sequences and alternatives only ever read triples with those
    predicates. Variable predicates, zero-or-more / optional paths (they match every node of
    the graph), negated property sets, GRAPH, SERVICE and FROM make the answer None: then the
    store holds the whole record, as before."""
    from rdflib.paths import AlternativePath, InvPath, Path, SequencePath
    from rdflib.plugins.sparql.algebra import translateGroupGraphPattern
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        from rdflib.plugins.sparql import prepareQuery

        algebra = prepareQuery(query).algebra
    except Exception:
        return None
    if algebra.name != "SelectQuery" or algebra.get("datasetClause"):
        return None
    iris: set[URIRef] = set()

    def path(x: object) -> None:
        if type(x) is URIRef:
            iris.add(x)
        elif isinstance(x, SequencePath | AlternativePath):
            for arg in x.args:
                path(arg)
        elif isinstance(x, InvPath):
            path(x.arg)
        else:  # MulPath, NegatedPath, variables, blank nodes
            raise _Unbounded

    seen: set[int] = set()
    todo: list[Any] = [algebra]
    try:
        while todo:
            x = todo.pop()
            if id(x) in seen:
                continue
            seen.add(id(x))
            if type(x) is URIRef:
                iris.add(x)
            elif isinstance(x, Path):
                path(x)
            elif isinstance(x, CompValue):
                if x.name in _EXISTS and getattr(x.get("graph"), "name", None) \
                        == "GroupGraphPatternSub":
                    # rdflib leaves (NOT) EXISTS inside && / || untranslated (the parse is
                    # our own, nobody else evaluates it)
                    todo.append(translateGroupGraphPattern(x.graph))
                    todo.extend(v for k, v in x.items() if k != "graph")
                    continue
                if x.name in _OPAQUE:
                    raise _Unbounded
                if x.name == "BGP":
                    for _s, p, _o in x.triples:
                        path(p)
                todo.extend(x.values())
            elif isinstance(x, dict):
                todo.extend(x.values())
            elif isinstance(x, list | tuple | set | frozenset):
                todo.extend(x)
    except Exception:  # _Unbounded, or a form we could not translate
        return None
    return frozenset(iris)
