"""SPARQL results written row by row, so that a result can be cut at the row limit.

pyoxigraph's own serialisers write a whole result and cannot stop after n rows; these four
writers follow the W3C result formats (JSON, XML, CSV, TSV) and are checked against pyoxigraph's
parser in the tests. RDF (CONSTRUCT, DESCRIBE) is written by pyoxigraph itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_string = json.encoder.encode_basestring  # a JSON string literal, non-ASCII kept as is (C)
TRUNCATED_LINK = "https://socle.opendata.fr/problems/sparql-truncated"


class Unwritable(ValueError):
    """A value the chosen result format cannot carry (the endpoint answers a problem)."""


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return (f"<literal datatype={quoteattr(term.datatype.value)}>"
                    f"{escape(term.value)}</literal>")
        return f"<literal>{escape(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
            f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}"
            "</object></triple>")


def _csv_field(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, (ox.NamedNode, ox.Literal)):
        text = term.value
    else:
        text = str(term)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def select(fmt: str, variables: list[str], rows: Iterable, truncated: bool) -> Iterator[str]:
    """Text pieces of a SELECT result; rows are pyoxigraph QuerySolution objects."""
    if fmt == "json":
        head: dict = {"vars": variables}
        if truncated:
            head["link"] = [TRUNCATED_LINK]
        yield '{"head":' + json.dumps(head, ensure_ascii=False) + ',"results":{"bindings":['
        keys = [_string(name) + ":" for name in variables]
        cache: dict = {}  # IRIs and codes repeat across rows: encode each term once
        first = True
        for row in rows:
            parts = []
            for key, term in zip(keys, row, strict=True):  # row[name] is ~10× slower
                if term is not None:
                    text = cache.get(term)
                    if text is None:
                        text = json.dumps(_json_term(term), ensure_ascii=False) \
                            if type(term) is not ox.NamedNode \
                            else '{"type":"uri","value":' + _string(term.value) + "}"
                        if len(cache) < 50_000:
                            cache[term] = text
                    parts.append(key + text)
            yield ("{" if first else ",{") + ",".join(parts) + "}"
            first = False
        yield "]}}"
    elif fmt == "xml":
        yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        yield "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        if truncated:
            yield f"<link href={quoteattr(TRUNCATED_LINK)}/>"
        yield "</head><results>"
        names = [quoteattr(v) for v in variables]
        for row in rows:
            parts = ["<result>"]
            for name, term in zip(names, row, strict=True):
                if term is not None:
                    parts.append(f"<binding name={name}>{_xml_term(term)}</binding>")
            parts.append("</result>")
            yield "".join(parts)
        yield "</results></sparql>"
    elif fmt == "csv":
        yield ",".join(variables) + "\r\n"
        for row in rows:
            yield ",".join(_csv_field(term) for term in row) + "\r\n"
    elif fmt == "tsv":
        yield "\t".join("?" + v for v in variables) + "\n"
        for row in rows:
            yield "\t".join("" if term is None else str(term) for term in row) + "\n"
    else:
        raise ValueError(fmt)


def ask(fmt: str, value: bool) -> str:
    word = "true" if value else "false"
    if fmt == "json":
        return '{"head":{},"boolean":' + word + "}"
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns='
                f'"http://www.w3.org/2005/sparql-results#"><head/><boolean>{word}</boolean>'
                "</sparql>")
    if fmt == "csv":
        return f"_askResult\r\n{word}\r\n"
    return f"?_askResult\n{word}\n"


RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}

RESULTS_KEYS = ("json", "xml", "csv", "tsv")
