"""Bounded cost for every RDF document: a nesting-depth limit and a node/triple budget.

Checked before parsing where the syntax nests (Turtle brackets, RDF/XML elements, JSON
objects/arrays), with scans that run in C (regular expressions, expat) so that a hostile
document costs little to refuse: Oxigraph's RDF/XML parser slows down quadratically with depth,
and a million nested blank nodes cost gigabytes once they reach rdflib and SHACL. The triple
budget is also enforced while parsing (the parser is consumed lazily and stopped past it).

Why 64 levels: a DCAT record nests dataset → distribution → checksum/licence/contact, a handful
of levels; RDF collections are one level whatever their length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.parsers import expat

from service.errors import SocleError


@dataclass(frozen=True)
class ParseLimits:
    max_depth: int = 64
    max_triples: int = 200_000
    # JSON values or XML elements scanned before parsing (each makes at most a few triples).
    max_nodes: int = 400_000


# One record (POST/PUT /datasets, POST /validate, the validation page, and each record cut
# from an import or a harvested page). Room for about a thousand distributions, as some
# portals' daily-file datasets have; not for 100,000 keywords.
RECORD = ParseLimits(max_triples=20_000, max_nodes=40_000)
# A document of several records (imports over HTTP, curator upload).
DOCUMENT = ParseLimits()
# One page of a harvested catalogue (pages may be large, the source is the operator's choice).
HARVEST_PAGE = ParseLimits(max_triples=1_000_000, max_nodes=2_000_000)
# The operator's own files (socle import / validate from the command line).
OPERATOR = ParseLimits(max_triples=2**62, max_nodes=2**62)


class TooDeep(SocleError):
    status = 422
    title = "Document nested too deeply"
    type_slug = "document-too-deep"


class TooLarge(SocleError):
    status = 413
    title = "Document too large"
    type_slug = "document-too-large"


def too_deep(label: str, limit: int, **extra: object) -> TooDeep:
    return TooDeep(
        f"Document {label} trop imbriqué : plus de {limit} niveaux. Un enregistrement DCAT "
        "n'en demande que quelques-uns.",
        f"{label} document nested too deeply: more than {limit} levels. A DCAT record only "
        "needs a few.", max_depth=limit, **extra)


def too_many(label: str, what_fr: str, what_en: str, limit: int) -> TooLarge:
    return TooLarge(
        f"Document {label} trop volumineux : plus de {limit} {what_fr}. Découpez-le.",
        f"{label} document too large: more than {limit} {what_en}. Split it.",
        limit=limit)


def check_record_size(triples: int, limits: ParseLimits = RECORD) -> None:
    """One record cut from a catalogue (import, harvest) has the budget of a record sent alone:
    a record with 100,000 keywords would make every view of it slow."""
    if triples > limits.max_triples:
        raise TooLarge(
            f"Enregistrement trop volumineux : {triples} triplets (limite {limits.max_triples}).",
            f"Record too large: {triples} triples (limit {limits.max_triples}).",
            limit=limits.max_triples, triples=triples)


# Turtle: strings, IRIs and comments hold brackets that do not nest.
_TTL_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>|#[^\n]*', re.S)
_JSON_OPAQUE = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]()]+")
_NOT_JSON_BRACKET = re.compile(r"[^\[\]{}]+")
_PAIR = re.compile(r"\[\]|\(\)")
_JSON_PAIR = re.compile(r"\[\]|\{\}")


def _deeper_than(brackets: str, pair: re.Pattern[str], limit: int) -> bool:
    """True when balanced brackets nest more than `limit` deep: each pass removes the innermost
    pairs, so a document nested at most `limit` deep is empty after `limit` passes. Unbalanced
    leftovers are the parser's business (a syntax error), not a depth."""
    openers = "[[({" if pair is _PAIR else "[[{"
    run = re.compile(f"[{re.escape(openers)}]{{{limit + 1}}}")  # the common hostile shape
    for _ in range(limit):
        if run.search(brackets):
            return True
        brackets, removed = pair.subn("", brackets)
        if not removed or not brackets:
            return False
    return pair.search(brackets) is not None


def check_turtle(text: str, limits: ParseLimits, label: str = "Turtle") -> None:
    brackets = _NOT_BRACKET.sub("", _TTL_OPAQUE.sub("", text))
    if _deeper_than(brackets, _PAIR, limits.max_depth):
        raise too_deep(label, limits.max_depth)


def check_json(text: str, limits: ParseLimits) -> None:
    """Before json.loads: depth, then a count of values (every value but the first follows a
    comma or opens an object/array)."""
    stripped = _JSON_OPAQUE.sub('""', text)
    if _deeper_than(_NOT_JSON_BRACKET.sub("", stripped), _JSON_PAIR, limits.max_depth):
        raise too_deep("JSON-LD", limits.max_depth)
    values = stripped.count(",") + stripped.count("[") + stripped.count("{")
    if values > limits.max_nodes:
        raise too_many("JSON-LD", "valeurs JSON", "JSON values", limits.max_nodes)


class _Stop(Exception):
    pass


def check_xml(data: bytes, limits: ParseLimits) -> None:
    """Element depth and count with expat (DTDs were refused before: nothing to expand)."""
    parser = expat.ParserCreate()
    state = {"depth": 0, "count": 0, "line": 0}

    def start(_name: str, _attrs: object) -> None:
        state["depth"] += 1
        state["count"] += 1
        if state["depth"] > limits.max_depth or state["count"] > limits.max_nodes:
            state["line"] = parser.CurrentLineNumber
            raise _Stop

    def end(_name: str) -> None:
        state["depth"] -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Stop:
        if state["depth"] > limits.max_depth:
            raise too_deep("RDF/XML", limits.max_depth, line=state["line"]) from None
        raise too_many("RDF/XML", "éléments XML", "XML elements", limits.max_nodes) from None
    except expat.ExpatError:
        return  # not well-formed: Oxigraph says where
