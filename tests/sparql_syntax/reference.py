"""rdflib's reading of a request, as the independent side of the differential tests:
(form or "UPDATE", uses SERVICE, FROM IRIs, FROM NAMED IRIs), or None when rdflib refuses it."""

from __future__ import annotations

from typing import Any

FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
         "DescribeQuery": "DESCRIBE"}


def _patch_rdflib() -> None:
    """rdflib 7 recomputes a SERVICE clause's text by searching the whole query again from its
    start (parserutils.Comp.postParse), which fails on escapes or comments elsewhere in the
    query and makes a valid query a parse error. That text only feeds rdflib's own SERVICE
    evaluation: the reference turns the step off; the parse itself is rdflib's."""
    from rdflib.plugins.sparql import parserutils

    class _NoText:
        def __init__(self, expr: Any) -> None:
            pass

        def search_string(self, instring: str) -> list:
            return [[""]]

    parserutils.original_text_for = _NoText


_patch_rdflib()


def _has_service(node: Any, seen: set[int] | None = None) -> bool:
    from rdflib.plugins.sparql.parserutils import CompValue

    seen = seen if seen is not None else set()
    if id(node) in seen:
        return False
    seen.add(id(node))
    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            return True
        return any(_has_service(v, seen) for v in node.values())
    if isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        return any(_has_service(v, seen) for v in node)
    return False


def classify(text: str, base: str) -> tuple | None:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(text)
    except ParseException:
        try:
            update = parseUpdate(text)
        except ParseException:
            return None
        return ("UPDATE", _has_service(update), (), ())
    except Exception:  # noqa: BLE001 - rdflib's own failures: not a verdict
        return None
    service = _has_service(parsed)
    form = FORMS[parsed[1].name]
    try:
        query = translateQuery(parsed, base=base)
    except Exception:  # noqa: BLE001 - e.g. an undeclared prefix: rdflib refuses the query
        return None
    clauses = query.algebra.datasetClause or []
    default = tuple(_iri(d.default) for d in clauses if d.default is not None)
    named = tuple(_iri(d.named) for d in clauses if d.named is not None)
    return (form, service, default, named)


def _iri(term: Any) -> str:
    """rdflib keeps the backslash of a local-name escape (`ex:a\\#` gives `…a\\#`, against
    SPARQL 1.1 §19.5, which pyoxigraph follows): removed here, the only backslash an IRI from
    a query can hold (IRIREF excludes it)."""
    import re

    return re.sub(r"\\(.)", r"\1", str(term))


def socle_view(found) -> tuple:
    if found.form == "UPDATE":
        return ("UPDATE", found.uses_service, (), ())
    return (found.form, found.uses_service, found.default_graphs, found.named_graphs)
