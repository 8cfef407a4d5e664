"""What the endpoint must know about a request's text before running it, without a full parser:
its form (SELECT, ASK, CONSTRUCT, DESCRIBE or an update) and the keywords it is not allowed to use.

Comments, strings and IRIs are skipped, then bare words are read: in a valid SPARQL query, a bare
word is a keyword, a function name, `a`, `true` or `false`, so an update keyword or `SERVICE` seen
as a bare word cannot be anything else. A false positive only refuses a query that the parser would
have refused anyway; the parser (pyoxigraph) stays the judge of syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
      (?P<lstring>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
    | (?P<string>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<comment>\#[^\n\r]*)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<pname>[\w.\-]*:[\w.\-:%\\]*)
    | (?P<word>[A-Za-z_][\w\-]*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset(
    ["INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"]
)


@dataclass(frozen=True)
class QueryShape:
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE, or None (unreadable)
    uses_service: bool
    has_dataset_clause: bool  # FROM / FROM NAMED in the query text


def words(text: str) -> list[str]:
    """Bare words of the text, upper-cased, in order."""
    return [m.group("word").upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"]


def shape(text: str) -> QueryShape:
    found = words(text)
    form = None
    if any(w in UPDATE_WORDS for w in found):
        form = "UPDATE"
    else:
        form = next((w for w in found if w in QUERY_FORMS), None)
    return QueryShape(form, "SERVICE" in found, "FROM" in found)


def dataset_clause(text: str, base: str | None = None) -> tuple[list[str], list[str]]:
    """The IRIs of the query's FROM and FROM NAMED clauses, resolved (PREFIX, BASE): (default
    graphs, named graphs). For servers that must get the dataset as protocol parameters
    (Oxigraph server with a union default graph ignores FROM; sparql/remote.py)."""
    from urllib.parse import urljoin

    prefixes: dict[str, str] = {}
    default: list[str] = []
    named: list[str] = []
    tokens: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        if m.group() == "{" or (m.lastgroup == "word" and m.group().upper() == "WHERE"):
            break  # the dataset clause comes before the pattern
        if m.lastgroup != "comment":
            tokens.append((m.lastgroup or "", m.group()))

    def resolve(kind: str, value: str) -> str | None:
        if kind == "iri":
            return urljoin(base, value[1:-1]) if base else value[1:-1]
        if kind == "pname" and value.split(":", 1)[0] + ":" in prefixes:
            head, local = value.split(":", 1)
            return prefixes[head + ":"] + local
        return None

    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        word = value.upper() if kind == "word" else ""
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            base = resolve(*tokens[i + 1])
            i += 2
            continue
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1]] = resolve(*tokens[i + 2]) or ""
            i += 3
            continue
        if word == "FROM":
            target = default
            if i + 1 < len(tokens) and tokens[i + 1][1].upper() == "NAMED":
                target, i = named, i + 1
            if i + 1 < len(tokens):
                iri = resolve(*tokens[i + 1])
                if iri is not None:
                    target.append(iri)
            i += 2
            continue
        i += 1
    return default, named


def without_dataset_clause(text: str) -> str:
    """The query without its FROM / FROM NAMED clauses: when the protocol gives a dataset it
    replaces the query's (SPARQL 1.1 Protocol §2.1.4), which some servers (Virtuoso) do not do."""
    cuts: list[tuple[int, int]] = []
    pending: int | None = None
    for m in _TOKEN.finditer(text):
        word = m.group().upper() if m.lastgroup == "word" else ""
        if m.group() == "{" or word == "WHERE":
            break
        if word == "FROM":
            pending = m.start()
        elif pending is not None and m.lastgroup in ("iri", "pname"):
            cuts.append((pending, m.end()))
            pending = None
    for start, end in reversed(cuts):
        text = text[:start] + " " + text[end:]
    return text
