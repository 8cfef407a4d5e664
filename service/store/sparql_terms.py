"""SPARQL 1.1 JSON results terms to rdflib and pyoxigraph terms, for the remote store and
the endpoint over it; servers' own datatypes and blank-node labels made standard."""

from __future__ import annotations

import hashlib
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# Virtuoso stores geo:wktLiteral values as its own geometry type: give the standard IRI back.
STORE_DATATYPES = {"http://www.openlinksw.com/schemas/virtrdf#Geometry":
                   "http://www.opengis.net/ont/geosparql#wktLiteral"}


def to_rdflib_term(b: dict[str, Any]) -> Node:
    kind, value = b["type"], b["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    lang = b.get("xml:lang")
    if lang:
        return Literal(value, lang=lang)
    given = b.get("datatype")
    datatype = STORE_DATATYPES.get(given, given) if given else None
    if datatype and datatype != XSD_STRING:
        return Literal(value, datatype=URIRef(datatype))
    return Literal(value)


def to_ox_term(b: dict[str, Any]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind, value = b["type"], b["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return _ox_blank(value)
    lang = b.get("xml:lang")
    if lang:
        return ox.Literal(value, language=lang)
    given = b.get("datatype")
    datatype = STORE_DATATYPES.get(given, given) if given else None
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def _ox_blank(label: str) -> ox.BlankNode:
    """A blank node with the server's label when it is a valid one; Virtuoso's
    ("nodeID://b10001") is not: the same label always gives the same node."""
    try:
        return ox.BlankNode(label)
    except ValueError:
        return ox.BlankNode("v" + hashlib.sha1(label.encode()).hexdigest()[:16])
