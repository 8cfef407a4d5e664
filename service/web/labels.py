"""Turn a record graph into what a page shows: preferred-language texts and CURIEs."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from service.rdf.namespaces import DCAT, DCTERMS, PREFIXES


@dataclass
class Row:
    predicate: str
    values: list[dict] = field(default_factory=list)


@dataclass
class View:
    iri: str
    title: str
    description: str
    rows: list[Row]
    nodes: list[tuple[str, list[Row]]]


def curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def text(graph: Graph, node: Node, predicate: URIRef, lang: str = "fr") -> str:
    values = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
    for wanted in (lang, "en", None, ""):
        for v in values:
            if (v.language or None) == wanted or (wanted == "" and v.language):
                return str(v)
    return ""


def _rows(graph: Graph, node: Node) -> list[Row]:
    rows: dict[str, Row] = {}
    for p, o in sorted(graph.predicate_objects(node), key=lambda po: (str(po[0]), str(po[1]))):
        row = rows.setdefault(str(p), Row(curie(str(p))))
        if isinstance(o, URIRef):
            row.values.append({"iri": str(o), "label": curie(str(o))})
        else:
            row.values.append({"text": str(o), "lang": getattr(o, "language", None)})
    return list(rows.values())


def describe(graph: Graph, iri: str) -> View:
    node = URIRef(iri)
    others = sorted({s for s in graph.subjects() if s != node}, key=str)
    return View(
        iri=iri,
        title=text(graph, node, DCTERMS.title) or iri,
        description=text(graph, node, DCTERMS.description),
        rows=_rows(graph, node),
        nodes=[(str(s), _rows(graph, s)) for s in others],
    )


def distributions(graph: Graph, iri: str) -> list[str]:
    return [str(d) for d in graph.objects(URIRef(iri), DCAT.distribution)]
