"""Safe RDF parsing: a document never makes the service touch the network or the disk.

Oxigraph's parsers do the work (fast, precise line/column errors, no remote context loader).
Before them, a cheap scan refuses constructs that ask for outside resources, so the user is
told *which* construct was refused rather than getting a generic syntax error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Generic, TypeAlias, TypeVar, cast
from xml.parsers import expat

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from service.errors import ParseError, UnsafeInputError
from service.rdf.formats import RdfSyntax
from service.rdf.limits import DOCUMENT, ParseLimits, check_json, check_turtle, check_xml, too_many
from service.rdf.namespaces import OWL

OxTerm: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
OxSubject: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Triple
_In = TypeVar("_In")
_Out = TypeVar("_Out")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_rdf(data: bytes, syntax: RdfSyntax, base_iri: str | None = None,
              limits: ParseLimits = DOCUMENT) -> Graph:
    """Parse a document into an rdflib graph, refusing unsafe constructs with a 400 and
    documents over `limits` with a 413/422 (limits.py)."""
    return to_rdflib(parse_quads(data, syntax, base_iri, limits))


def parse_quads(data: bytes, syntax: RdfSyntax, base_iri: str | None = None,
                limits: ParseLimits = DOCUMENT) -> list[ox.Quad]:
    if data.startswith(b"\xef\xbb\xbf"):  # UTF-8 byte order mark, as Windows editors write
        data = data[3:]
    text = _decode(data)
    if syntax.name == "jsonld":  # before check_safe's json.loads
        check_json(text, limits)
    check_safe(text, syntax)
    if syntax.name == "turtle":
        check_turtle(text, limits)
    elif syntax.name == "rdfxml":  # after check_safe: expat would expand internal entities
        check_xml(data, limits)
    del text
    try:
        quads = list(islice(ox.parse(data, format=syntax.oxigraph, base_iri=base_iri),
                            limits.max_triples + 1))
        if len(quads) > limits.max_triples:
            raise too_many(syntax.label, "triplets", "triples", limits.max_triples)
    except SyntaxError as exc:
        line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
        if line is None and syntax.name == "rdfxml":
            line, column = _xml_position(data)
        raise ParseError(
            f"Document {syntax.label} invalide : {exc.msg}",
            f"Invalid {syntax.label} document: {exc.msg}",
            line=line, column=column, syntax=syntax.name,
        ) from None
    except ValueError as exc:  # e.g. invalid IRIs in some code paths
        raise ParseError(f"Document {syntax.label} invalide : {exc}",
                         f"Invalid {syntax.label} document: {exc}", syntax=syntax.name) from None
    _refuse_imports(quads)
    _refuse_triple_terms(quads, syntax)
    return quads


def _refuse_triple_terms(quads: Iterable[ox.Quad], syntax: RdfSyntax) -> None:
    """RDF-star quoted triples (<< s p o >>) have no place in a DCAT record."""
    for quad in quads:
        if isinstance(quad.subject, ox.Triple) or isinstance(quad.object, ox.Triple):
            raise ParseError(
                f"Triplet cité RDF-star (<< … >>) non pris en charge : {quad}.",
                f"RDF-star quoted triple (<< … >>) not supported: {quad}.",
                construct="<< >>", syntax=syntax.name,
            )


def _xml_position(data: bytes) -> tuple[int | None, int | None]:
    """Where an XML document stops being well-formed (Oxigraph's RDF/XML errors carry none).

    Only called after check_safe refused DTDs, so expat has no entity to expand or fetch.
    """
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1
    return None, None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ParseError(
            f"Le document n'est pas en UTF-8 (octet 0x{data[exc.start]:02x}, ligne {line}). "
            "Enregistrez-le en UTF-8.",
            f"The document is not UTF-8 (byte 0x{data[exc.start]:02x}, line {line}). "
            "Save it as UTF-8.",
            line=line, byte_offset=exc.start,
        ) from None


def check_safe(text: str, syntax: RdfSyntax) -> None:
    """Refuse DTDs/entities in XML and remote contexts in JSON-LD, naming the construct."""
    if syntax.name == "rdfxml":
        match = _DOCTYPE.search(text.encode("utf-8"))
        if match:
            construct = match.group(1).decode().upper()
            line = text[: match.start()].count("\n") + 1
            raise UnsafeInputError(
                f"Déclaration <!{construct}> refusée (ligne {line}) : les DTD et entités XML "
                "peuvent lire des fichiers ou le réseau. Retirez-la.",
                f"<!{construct}> declaration refused (line {line}): XML DTDs and entities can "
                "read files or the network. Remove it.",
                construct=f"<!{construct}>", line=line,
            )
    elif syntax.name == "jsonld":
        try:
            doc = json.loads(text)
            refs = list(_remote_refs(doc))
        except json.JSONDecodeError as exc:
            raise ParseError(f"JSON invalide : {exc.msg}", f"Invalid JSON: {exc.msg}",
                             line=exc.lineno, column=exc.colno, syntax="jsonld") from None
        except RecursionError:
            raise ParseError("JSON trop profondément imbriqué.", "JSON nested too deeply.",
                             syntax="jsonld") from None
        for construct, value in refs:
            raise UnsafeInputError(
                f"{construct} distant refusé ({value}) : le service ne télécharge pas de "
                "contexte JSON-LD. Mettez le contexte en ligne dans le document.",
                f"Remote {construct} refused ({value}): the service does not fetch JSON-LD "
                "contexts. Inline the context in the document.",
                construct=construct, value=value,
            )


def _remote_refs(node: object) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                yield from _context_refs(value)
            elif key != "@value":
                yield from _remote_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _remote_refs(item)


def _context_refs(ctx: object) -> Iterator[tuple[str, str]]:
    if isinstance(ctx, str):
        yield "@context", ctx
    elif isinstance(ctx, list):
        for item in ctx:
            yield from _context_refs(item)
    elif isinstance(ctx, dict):
        if isinstance(ctx.get("@import"), str):
            yield "@import", ctx["@import"]
        for value in ctx.values():
            if isinstance(value, dict) and "@context" in value:  # scoped contexts
                yield from _context_refs(value["@context"])


def _refuse_imports(quads: Iterable[ox.Quad]) -> None:
    imports = str(OWL.imports)
    for quad in quads:
        if quad.predicate.value == imports:
            raise UnsafeInputError(
                f"owl:imports refusé ({quad.object}) : un enregistrement ne peut pas demander "
                "au service de charger un autre document.",
                f"owl:imports refused ({quad.object}): a record cannot ask the service to load "
                "another document.",
                construct="owl:imports",
            )


def term_to_rdflib(term: OxTerm) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if not isinstance(term, ox.Literal):  # parse_quads refuses them: never in a record
        raise TypeError(f"RDF-star quoted triple has no rdflib term: {term}")
    if term.language:
        return Literal(term.value, lang=term.language, normalize=False)
    if term.datatype.value == _XSD_STRING:  # RDF 1.1: simple literal == xsd:string
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def term_to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if not isinstance(term, Literal):  # rdflib's variables and graph terms: not RDF data
        raise TypeError(f"not an RDF term: {term!r}")
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


class TermCache(Generic[_In, _Out]):
    """Memoised term conversion for bulk work: IRIs (predicates, vocabulary values, the
    publisher) repeat in every record and rdflib checks each IRI it builds; literals
    (keywords, formats, languages) repeat too and rdflib parses each literal's value. rdflib
    literals are never keys: two that compare equal may still differ ("x"@FR == "x"@fr);
    short pyoxigraph literals are (they compare exactly). Bounded: cleared when full."""

    def __init__(self, convert: Callable[[_In], _Out], size: int = 50_000) -> None:
        self._convert = convert
        self._size = size
        self._cache: dict[_In, _Out] = {}

    def __call__(self, term: _In) -> _Out:
        kind = type(term)
        if kind is not URIRef and kind is not ox.NamedNode and (
                not isinstance(term, ox.Literal) or len(term.value) > 64):  # titles: unique
            return self._convert(term)
        try:
            return self._cache[term]
        except KeyError:
            if len(self._cache) >= self._size:
                self._cache.clear()
            out = self._cache[term] = self._convert(term)
            return out


def to_rdflib(quads: Iterable[ox.Quad | ox.Triple]) -> Graph:
    graph = Graph()
    add = graph.add
    for q in quads:
        add((term_to_rdflib(q.subject), term_to_rdflib(q.predicate), term_to_rdflib(q.object)))
    return graph


def to_oxigraph_triples(graph: Iterable[tuple[Node, Node, Node]]) -> list[ox.Triple]:
    """Subjects are IRIs or blank nodes and predicates IRIs in any graph rdflib parsed or this
    service built, hence the casts."""
    return [ox.Triple(cast(OxSubject, term_to_oxigraph(s)), cast(ox.NamedNode, term_to_oxigraph(p)),
                      term_to_oxigraph(o))
            for s, p, o in graph]
