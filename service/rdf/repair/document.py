"""Repairs of an RDF/XML document before parsing, each reported on the records it touches.

Why: GeoNetwork exports (udata's ``geonetwork.xml``) write ``rdf:about="URL1 URL2"`` (two URLs
joined by a space) and ``<dcat:theme rdf:resource="IRI">label</dcat:theme>`` (a link with
text). Neither is RDF/XML (a space is not allowed in an IRI, RFC 3987; a property element with
``rdf:resource`` must be empty), so the whole document failed to parse where data.gouv.fr
keeps the dataset (its parser keeps the space and ignores the text). Here:

- the spaces inside ``rdf:about`` / ``rdf:resource`` are percent-encoded (``%20``, what
  RFC 3986 prescribes for a space; leading and trailing ones dropped, as XML reads attribute
  values): every character of the IRI is kept;
- the text of an element that has ``rdf:resource`` is dropped: the link is kept (what RDF/XML
  parsers that accept the element do).

Each change is reported (property, before, after) on the records that use the IRI, like the
repairs of engine.py. Other syntaxes are left as they are (a space inside a Turtle ``<…>``
stays a syntax error, as it is for udata).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from rdflib import URIRef
from rdflib.term import Node

from service.errors import SocleError
from service.rdf.repair.engine import Repair, prefixed

T = TypeVar("T")

# Applied only to a document that failed to parse (harvest/paging.py), so a valid document
# is never rewritten: the patterns could match inside a literal's text.
# an rdf:about / rdf:resource value with a space between two other characters
_IRI_ATTRIBUTE = re.compile(
    rb"""(rdf:(?:about|resource)\s*=\s*)(["'])([^"'<>]*?\S[ \t\r\n]+\S[^"'<>]*)\2""")
_SPACE = re.compile(rb"[ \t\r\n]")
# … rdf:resource="IRI" …>text</…>: the text not blank, and the next tag is the element's end
# (the text holds no "<"), so the element is made empty.
_RESOURCE_WITH_TEXT = re.compile(
    rb"""(rdf:resource\s*=\s*(["'])([^"'<>]*)\2[^<>]*?)(?<!/)>([^<]*\S[^<]*)</[^<>]+>""")


@dataclass
class DocumentFixes:
    """What ``repair_document`` changed: IRIs encoded (after → before) and the text dropped
    from elements linking to an IRI (IRI → texts)."""

    iris: dict[str, str] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.iris or self.texts)


REPAIRED_SYNTAXES = frozenset({"rdfxml"})


def repair_document(body: bytes, syntax: str) -> tuple[bytes, DocumentFixes]:
    """The document with the repairs of this module made, and what was changed. Other
    syntaxes, and documents that need none, come back as they are."""
    fixes = DocumentFixes()
    if syntax not in REPAIRED_SYNTAXES:
        return body, fixes

    def encode(match: re.Match[bytes]) -> bytes:
        value = match.group(3).strip()
        after = _SPACE.sub(b"%20", value)
        fixes.iris[after.decode("utf-8", "replace")] = value.decode("utf-8", "replace")
        return match.group(1) + match.group(2) + after + match.group(2)

    def empty(match: re.Match[bytes]) -> bytes:
        iri = _SPACE.sub(b"%20", match.group(3).strip()).decode("utf-8", "replace")
        fixes.texts.setdefault(iri, []).append(" ".join(match.group(4).decode(
            "utf-8", "replace").split()))
        return match.group(1) + b"/>"

    out = _RESOURCE_WITH_TEXT.sub(empty, body)
    out = _IRI_ATTRIBUTE.sub(encode, out)
    return (out, fixes) if fixes else (body, fixes)


def parse_repaired(body: bytes, syntax: str,
                   parse: Callable[[bytes], T]) -> tuple[T, DocumentFixes] | None:
    """After ``body`` failed to parse: ``parse`` of the repaired document, with what was
    changed; None when the repair changes nothing or the repaired document fails too (the
    caller reports the first error). Harvest pages and ``socle import`` alike."""
    fixed, fixes = repair_document(body, syntax)
    if not fixes:
        return None
    try:
        return parse(fixed), fixes
    except SocleError:
        return None


def document_repairs(triples: Iterable[tuple[Node, Node, Node]],
                     fixes: DocumentFixes | None) -> list[dict[str, str | None]]:
    """The changes of ``repair_document`` as a record reports them: an encoded IRI once per
    use (as the node described: ``rdf:about``; as a value: its property), a dropped text on
    the link it was given with."""
    if not fixes:
        return []
    found: dict[tuple[str, str, str], Repair] = {}
    for s, p, o in triples:
        prop = prefixed(str(p))
        for term, where in ((s, "rdf:about"), (o, prop)):
            if isinstance(term, URIRef) and str(term) in fixes.iris:
                found.setdefault((str(term), where, "iri"), Repair(
                    str(term), where, fixes.iris[str(term)], str(term), "iri-encoded"))
        if isinstance(o, URIRef) and str(o) in fixes.texts:
            for text in fixes.texts[str(o)]:
                found.setdefault((str(o), prop, text), Repair(
                    str(s) if isinstance(s, URIRef) else "[]", prop, f"{o} « {text} »", str(o),
                    "resource-text"))
    return [r.to_dict() for r in found.values()]
