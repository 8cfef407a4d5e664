"""Value-level repairs that are not vocabulary look-ups: dates, URLs, checksums. Each is a pure
function from one RDF term to its repaired form, ``None`` to drop it, or the term itself when
there is nothing to repair."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urljoin

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

# Lexical forms → (datatype, function giving the canonical lexical form); first match wins.
_DATE_FORMS: tuple[tuple[re.Pattern[str], URIRef, object], ...] = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), XSD.date, lambda m: _ymd(*m.groups())),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?"
                r"(Z|[+-]\d{2}:?\d{2})?$"), XSD.dateTime, lambda m: _datetime(m)),
    (re.compile(r"^(\d{2})/(\d{2})/(\d{4})$"), XSD.date,
     lambda m: _ymd(m.group(3), m.group(2), m.group(1))),  # French day/month/year
    (re.compile(r"^(\d{4})-(\d{2})$"), XSD.gYearMonth,
     lambda m: m.group(0) if 1 <= int(m.group(2)) <= 12 else None),
    (re.compile(r"^(\d{4})$"), XSD.gYear, lambda m: m.group(0)),
)
DATE_TYPES = frozenset({XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth})
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_URL = re.compile(r"^(https?|ftp)://[^\s<>\"{}|\\^`]+$", re.IGNORECASE)
_RELATIVE = re.compile(r"^[^\s:<>\"{}|\\^`]+$")  # no scheme, no space: a relative reference


def _ymd(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def _datetime(m: re.Match[str]) -> str | None:
    y, mo, d, hh, mm, ss, frac, tz = m.groups()
    try:
        datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0))
    except ValueError:
        return None
    zone = tz or ""
    if len(zone) == 5:  # +0200 → +02:00
        zone = f"{zone[:3]}:{zone[3:]}"
    return f"{y}-{mo}-{d}T{hh}:{mm}:{ss or '00'}{frac or ''}{zone}"


def repair_date(term: Node) -> Node | None:
    """A date as xsd:date / dateTime / gYearMonth / gYear in canonical form; None to drop an
    empty or unreadable one."""
    if not isinstance(term, Literal):
        return term
    text = str(term).strip()
    for pattern, datatype, canonical in _DATE_FORMS:
        found = pattern.match(text)
        if found:
            value = canonical(found)  # type: ignore[operator]
            if value is None:
                return None
            if term.datatype in DATE_TYPES and str(term) == value and term.datatype == datatype:
                return term
            return Literal(value, datatype=datatype)
    return None


def repair_url(term: Node, base: str | None) -> Node:
    """A URL given as text becomes an IRI; a relative one is resolved against the document."""
    if not isinstance(term, Literal):
        return term
    text = str(term).strip()
    if _URL.match(text):
        return URIRef(text)
    if base and text and _RELATIVE.match(text):
        return URIRef(urljoin(base, text))
    return term


def repair_hex(term: Node) -> Node:
    """A checksum given as plain hexadecimal text, typed xsd:hexBinary as DCAT-AP asks."""
    if (isinstance(term, Literal) and term.datatype in (None, XSD.string)
            and not term.language and _HEX.match(str(term).strip())):
        return Literal(str(term).strip(), datatype=XSD.hexBinary)
    return term
