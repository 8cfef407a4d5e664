"""Serialising graphs for people and harvesters: prefixes kept, JSON-LD with an inline context."""

from __future__ import annotations

import json

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from service.rdf.formats import RdfSyntax
from service.rdf.namespaces import PREFIXES, RDF
from service.rdf.parse import to_oxigraph_triples


def used_prefixes(graph: Graph) -> dict[str, str]:
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}


def ordered(graph: Graph) -> list[tuple[Node, Node, Node]]:
    """Triples grouped by subject, types first, so Turtle reads as one block per node."""

    def key(triple: tuple[Node, Node, Node]) -> tuple[str, bool, str, str]:
        s, p, o = triple
        return (str(s), p != RDF.type, str(p), str(o))

    return sorted(graph, key=key)


def serialize(graph: Graph, syntax: RdfSyntax) -> bytes:
    prefixes = used_prefixes(graph)
    if syntax.name == "jsonld":
        # Compact with an inline context: no remote context for consumers to fetch.
        data = graph.serialize(format="json-ld", context=prefixes, auto_compact=True)
        return json.dumps(json.loads(data), ensure_ascii=False, indent=2).encode("utf-8")
    out = ox.serialize(to_oxigraph_triples(ordered(graph)), format=syntax.oxigraph,
                       prefixes=prefixes if syntax.name in ("turtle", "rdfxml") else None)
    assert out is not None  # with no output file, ox.serialize returns the bytes
    return out
