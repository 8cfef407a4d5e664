"""Small helpers to show RDF on a page: CURIEs and texts in the preferred language."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from service.rdf.namespaces import PREFIXES


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
