"""Hostile documents that cost a lot to parse, validate or report, as the security review
of issue 21 sent them (sizes as in the issue), and the status each must get."""

from __future__ import annotations

import json

from tests.conftest import VALID_TTL

P = "@prefix p: <http://a.example/> .\n"
DATASET = "<http://socle.test/datasets/x> a <http://www.w3.org/ns/dcat#Dataset>"


def nested_turtle(levels: int) -> bytes:
    return (P + DATASET + " ; p:p " + "[ p:p " * levels + "1" + " ]" * levels + " .\n").encode()


def nested_rdfxml(levels: int) -> bytes:
    head = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-'
            'ns#" xmlns:p="http://a.example/"><rdf:Description rdf:about="http://socle.test/x">')
    return (head + "<p:p><rdf:Description>" * levels + "</rdf:Description></p:p>" * levels
            + "</rdf:Description></rdf:RDF>").encode()


def wide_jsonld(items: int) -> bytes:
    return json.dumps({"@id": "http://socle.test/datasets/x",
                       "http://www.w3.org/ns/dcat#keyword": [f"k{i}" for i in range(items)]}
                      ).encode()


def deep_json(levels: int) -> bytes:
    return ('{"@id": "http://socle.test/x", "http://a.example/p": ' * levels + "1"
            + "}" * levels).encode()


def many_keywords(count: int) -> bytes:
    words = " , ".join(f'"mot{i}"@fr' for i in range(count))
    return VALID_TTL.replace("[] a dcat:Dataset ;", f"[] a dcat:Dataset ;\n  dcat:keyword {words} ;"
                             ).encode()


def many_triples(count: int) -> bytes:
    return b"".join(b'<http://socle.test/datasets/x> <http://a.example/p%d> "v" .\n' % i
                    for i in range(count))


TURTLE, NT = "text/turtle", "application/n-triples"
RDFXML, JSONLD = "application/rdf+xml", "application/ld+json"

# (kind, content type, body, expected status): each sent to the anonymous POST /validate.
COSTLY = [
    ("turtle-100k-nested-blank-nodes", TURTLE, lambda: nested_turtle(100_000), 422),
    ("turtle-1M-nested-blank-nodes", TURTLE, lambda: nested_turtle(1_000_000), 422),
    ("jsonld-800k-item-array", JSONLD, lambda: wide_jsonld(800_000), 413),
    ("jsonld-100k-levels", JSONLD, lambda: deep_json(100_000), 422),
    ("rdfxml-32k-levels", RDFXML, lambda: nested_rdfxml(32_000), 422),
    ("record-100k-keywords", TURTLE, lambda: many_keywords(100_000), 413),
    ("ntriples-150k-triples", NT, lambda: many_triples(150_000), 413),
]
