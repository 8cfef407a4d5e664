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
