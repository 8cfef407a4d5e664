"""Evaluate, in Python, the simple FILTER conditions a SHACL-SPARQL query puts on one value.

Why: ``$this dcat:keyword ?kw . FILTER (CONTAINS(LCASE(STR(?kw)), "scdl"))`` — most records
have keywords, few of them say "scdl"; when no keyword of the focus passes the condition the
query has no row, and proving it here costs microseconds where running it costs ~100 µs.

Soundness: a condition is compiled only from the string functions below, on string literals,
with SPARQL's semantics; anything else (another function, a number, a language-tagged needle,
a character whose lower case Python and the store could disagree on) evaluates to UNKNOWN,
which never excludes a value. Only a definite ``False`` lets the caller skip the query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib import Literal, URIRef, Variable
from rdflib.namespace import RDF, XSD

UNKNOWN = object()
# a plain or language-tagged string: (lexical form, language or "")
Value = Any
Evaluator = Callable[[Any], Value]
# rdflib's SPARQL algebra: CompValue nodes whose operands are read as attributes
Expr = Any
# Lower case is left to Python only for Latin-script characters (up to U+024F), whose
# mappings have not changed across Unicode versions; beyond, the store's could differ.
_SAFE_LOWER_MAX = 0x024F


class Unsupported(Exception):
    """The expression uses something this module does not evaluate."""


def string_of(term: Any) -> tuple[str, str] | None:
    """(lexical, language) of a string literal (simple, xsd:string or tagged), else None."""
    if type(term) is not Literal:
        return None
    if term.language:
        if term.datatype is not None and term.datatype != RDF.langString:
            return None
        return str(term), term.language.lower()
    if term.datatype is None or term.datatype == XSD.string:
        return str(term), ""
    return None


def variables(expr: Any) -> set[Variable]:
    """Variables an expression mentions; Unsupported if it holds a graph pattern (EXISTS)."""
    found: set[Variable] = set()
    todo = [expr]
    while todo:
        x = todo.pop()
        if isinstance(x, Variable):
            found.add(x)
        elif hasattr(x, "name") and isinstance(x, dict):
            name = getattr(x, "name")  # noqa: B009 - a CompValue's attribute, not a dict key
            if name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
                raise Unsupported(name)
            todo.extend(v for k, v in x.items() if k != "_vars")
        elif isinstance(x, list | tuple):
            todo.extend(x)
    return found


def compile_condition(expr: Any, var: Variable) -> Evaluator:
    """A function value-of-var -> True / False / UNKNOWN (or a string, for sub-expressions)."""
    if isinstance(expr, Variable):
        if expr != var:
            raise Unsupported(str(expr))
        return lambda term: term
    if type(expr) is Literal:
        const = string_of(expr)
        if const is None:
            raise Unsupported(repr(expr))
        return lambda term: const
    name = getattr(expr, "name", None)
    builder = _BUILDERS.get(name) if isinstance(name, str) else None
    if builder is None:
        raise Unsupported(str(name))
    return builder(expr, var)


def _str(expr: Expr, var: Variable) -> Evaluator:
    arg = compile_condition(expr.arg, var)

    def f(term: Any) -> Value:
        v = arg(term)
        if type(v) is URIRef:
            return str(v), ""
        if type(v) is Literal:
            return str(v), ""
        if type(v) is tuple:  # already a string value
            return v[0], ""
        return UNKNOWN
    return f


def _lcase(expr: Expr, var: Variable) -> Evaluator:
    arg = compile_condition(expr.arg, var)

    def f(term: Any) -> Value:
        v = arg(term)
        if type(v) is Literal:
            v = string_of(v)
        if type(v) is not tuple or any(ord(ch) > _SAFE_LOWER_MAX for ch in v[0]):
            return UNKNOWN
        return v[0].lower(), v[1]
    return f


def _string_test(test: Callable[[str, str], bool]) -> Callable[[Expr, Variable], Evaluator]:
    def build(expr: Expr, var: Variable) -> Evaluator:
        first, second = compile_condition(expr.arg1, var), compile_condition(expr.arg2, var)

        def f(term: Any) -> Value:
            a, b = first(term), second(term)
            if type(a) is Literal:
                a = string_of(a)
            if type(b) is Literal:
                b = string_of(b)
            # argument-compatible: the second plain (a tagged needle: left to the store)
            if type(a) is not tuple or type(b) is not tuple or b[1]:
                return UNKNOWN
            return test(a[0], b[0])
        return f
    return build


def _not(expr: Expr, var: Variable) -> Evaluator:
    arg = compile_condition(expr.expr, var)

    def f(term: Any) -> Value:
        v = arg(term)
        return (not v) if type(v) is bool else UNKNOWN
    return f


def _and(expr: Expr, var: Variable) -> Evaluator:
    parts = [compile_condition(e, var) for e in [expr.expr, *(expr.other or [])]]

    def f(term: Any) -> Value:
        values = [p(term) for p in parts]
        if any(v is False for v in values):
            return False
        return True if all(v is True for v in values) else UNKNOWN
    return f


def _or(expr: Expr, var: Variable) -> Evaluator:
    parts = [compile_condition(e, var) for e in [expr.expr, *(expr.other or [])]]

    def f(term: Any) -> Value:
        values = [p(term) for p in parts]
        if any(v is True for v in values):
            return True
        return False if all(v is False for v in values) else UNKNOWN
    return f


_BUILDERS: dict[str, Callable[[Expr, Variable], Evaluator]] = {
    "Builtin_STR": _str, "Builtin_LCASE": _lcase,
    "Builtin_CONTAINS": _string_test(lambda a, b: b in a),
    "Builtin_STRSTARTS": _string_test(lambda a, b: a.startswith(b)),
    "Builtin_STRENDS": _string_test(lambda a, b: a.endswith(b)),
    "UnaryNot": _not, "ConditionalAndExpression": _and, "ConditionalOrExpression": _or,
}
