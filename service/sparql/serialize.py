"""SPARQL results written row by row, so that a result can be cut at the row limit.

pyoxigraph's own serialisers write a whole result and cannot stop after n rows; these four
writers follow the W3C result formats (JSON, XML, CSV, TSV) and are checked against pyoxigraph's
parser in the tests. RDF (CONSTRUCT, DESCRIBE) is written by pyoxigraph itself, through
`write_rdf`, which holds RDF/XML to the same XML rules as the XML results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_string = json.encoder.encode_basestring  # a JSON string literal, non-ASCII kept as is (C)
TRUNCATED_LINK = "https://socle.opendata.fr/problems/sparql-truncated"


class Unwritable(ValueError):
    """A value the chosen result format cannot carry (the endpoint answers a problem)."""


ITS = "http://www.w3.org/2005/11/its"
# What XML 1.0 cannot carry at all, not even as a character reference (its Char production).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = str(term.direction)
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                        "predicate": _json_term(term.predicate),
                                        "object": _json_term(term.object)}}


def _xml_text(value: str) -> str:
    """Character data: a CR as `&#13;` (a parser would read a raw CR as a line feed); a
    character XML 1.0 cannot carry at all refuses the answer (Unwritable) rather than send an
    ill-formed document."""
    bad = _NOT_XML.search(value)
    if bad:
        raise Unwritable(f"U+{ord(bad.group()):04X} in {value[:40]!r} is not allowed in XML 1.0")
    return escape(value, {"\r": "&#13;"})


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            direction = ""
            if term.direction is not None:
                direction = (f' its:dir="{term.direction}" xmlns:its="{ITS}" '
                             'its:version="2.0"')
            return (f"<literal xml:lang={quoteattr(term.language)}{direction}>"
                    f"{_xml_text(term.value)}</literal>")
        if term.datatype.value != XSD_STRING:
            return (f"<literal datatype={quoteattr(term.datatype.value)}>"
                    f"{_xml_text(term.value)}</literal>")
        return f"<literal>{_xml_text(term.value)}</literal>"
    return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>"
            f"{_xml_term(term.predicate)}</predicate><object>{_xml_term(term.object)}"
            "</object></triple>")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r",
                              "\t": "\\t"})


def _tsv_term(term) -> str:
    """A term as in Turtle / N-Triples (SPARQL 1.1 TSV §3.2; triple terms `<<( s p o )>>`),
    tab, line feed and CR escaped so that rows and columns stay whole."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        text = '"' + term.value.translate(_TSV_ESCAPES) + '"'
        if term.language:
            text += "@" + term.language
            if term.direction is not None:
                text += f"--{term.direction}"
        elif term.datatype.value != XSD_STRING:
            text += f"^^<{term.datatype.value}>"
        return text
    if isinstance(term, ox.Triple):
        return (f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} "
                f"{_tsv_term(term.object)} )>>")
    return str(term)  # <iri>, _:label


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
            for key, term in zip(keys, row, strict=True):  # row[name] is much slower
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
        cache = {}  # the same dict type as the JSON branch's
        for row in rows:
            parts = ["<result>"]
            for name, term in zip(names, row, strict=True):
                if term is not None:
                    text = cache.get(term)
                    if text is None:
                        text = _xml_term(term)
                        if len(cache) < 50_000:
                            cache[term] = text
                    parts.append(f"<binding name={name}>{text}</binding>")
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
            yield "\t".join(_tsv_term(term) for term in row) + "\n"
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


class _XmlCarriageReturns:
    """A byte sink that writes each raw CR as `&#13;`. In pyoxigraph's RDF/XML a CR can only
    come from a literal (IRIs and blank node labels cannot hold one), as character data or an
    attribute value, where the reference is the exact spelling and a raw CR would be read back
    as a line feed by every XML parser."""

    def __init__(self, out) -> None:
        self.out = out

    def write(self, data: bytes) -> int:
        self.out.write(data.replace(b"\r", b"&#13;"))
        return len(data)

    def flush(self) -> None:
        if hasattr(self.out, "flush"):
            self.out.flush()


def write_rdf(rows: list, out, fmt: str, prefixes: dict | None) -> None:
    """A CONSTRUCT/DESCRIBE answer in `fmt` (a key of RDF_FORMATS). RDF/XML keeps CR and
    refuses (Unwritable) a literal XML 1.0 cannot carry, rather than send an ill-formed
    document; the other syntaxes escape everything themselves."""
    if fmt == "rdfxml":
        for triple in rows:
            if isinstance(triple.object, ox.Literal):
                value: str = triple.object.value
                bad = _NOT_XML.search(value)
                if bad:
                    raise Unwritable(f"U+{ord(bad.group()):04X} in {value[:40]!r} is not "
                                     "allowed in XML 1.0")
        out = _XmlCarriageReturns(out)
    ox.serialize(rows, out, RDF_FORMATS[fmt],
                 prefixes=prefixes if fmt in ("turtle", "rdfxml") else None)
