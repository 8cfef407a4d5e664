"""SPARQL text cut into tokens by the grammar's own terminals (SPARQL 1.1 §19.8, with the
SPARQL 1.2 additions pyoxigraph reads: UCHAR in strings and IRIs, `--ltr`/`--rtl` after a
language tag).

Strings (the four forms, ECHAR and UCHAR escapes), IRIREF, comments, LANGTAG, VAR1/VAR2,
blank node labels, prefixed names (PN_LOCAL with PLX: `\\#`, `\\'`, `%20`…) and numbers are
read whole, so that what is left as a bare word is what the parser reads as a keyword (or a
function name, `a`, `true`, `false`). A hand-written tokenizer rather than a parser because it
costs tens of microseconds per query (docs/benchmarks.md) where rdflib's parser costs tens of
milliseconds; tests/sparql_syntax checks it against rdflib and the W3C syntax suites.

No codepoint-escape preprocessing (`\\u0053ELECT`): pyoxigraph, which runs the query, does not
do it either (SPARQL 1.2); shape.py checks the expanded text too, in case a later version does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
         "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
         "\U00010000-\U000effff")
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf"'\\]"""
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_PN_LOCAL = (f"(?:[{_U}:0-9]|{_PLX})"
             f"(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?")
_VARNAME = f"[{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"

_WS = "[\\x20\\t\\r\\n]"
_COMMENT = "\\#[^\\r\\n]*"
_STRING = (f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}|{_UCHAR}))*'''"
           f'|"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}|{_UCHAR}))*"""'
           f"|'[^'\\\\\\n\\r]*(?:(?:{_ECHAR}|{_UCHAR})[^'\\\\\\n\\r]*)*'"
           f'|"[^"\\\\\\n\\r]*(?:(?:{_ECHAR}|{_UCHAR})[^"\\\\\\n\\r]*)*"')
_IRI_CHAR = "[^<>\"{}|^`\\\\\\x00-\\x20]"
# Loops unrolled (plain characters first, then one escape and more plain characters): the
# same language as (char|escape)*, several times faster in Python's regex engine.
_IRI = f"<{_IRI_CHAR}*(?:(?:{_UCHAR}){_IRI_CHAR}*)*>"
_LANGTAG = "@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"
_VAR = f"[?$]{_VARNAME}"
_BNODE = f"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"
_PNAME = f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"
_NUMBER = ("[0-9]+\\.[0-9]*[eE][+-]?[0-9]+|\\.?[0-9]+[eE][+-]?[0-9]+|[0-9]*\\.[0-9]+"
           "|[0-9]+")
_WORD = "[A-Za-z_][A-Za-z0-9_]*"
_OTHER = "[^\\x20\\t\\r\\n]"

# Order matters (the first alternative that matches wins): strings before `other`, prefixed
# names before words. White space before a token belongs to no token.
_TOKEN = re.compile(
    f"{_WS}*(?:(?P<comment>{_COMMENT})|(?P<string>{_STRING})|(?P<iri>{_IRI})"
    f"|(?P<langtag>{_LANGTAG})|(?P<var>{_VAR})|(?P<bnode>{_BNODE})|(?P<pname>{_PNAME})"
    f"|(?P<number>{_NUMBER})|(?P<word>{_WORD})|(?P<other>{_OTHER}))",
    re.DOTALL,
)


class Token(NamedTuple):
    kind: str  # comment string iri langtag var bnode pname number word other
    text: str
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The tokens of `text`, white space and comments left out; never fails (an unreadable
    character is an `other` token of its own: the parser judges the syntax)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"  # every alternative is a named group
        if kind != "comment":
            yield Token(kind, m.group(kind), m.start(kind), m.end())


def scan(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, start) of every token: the cheap form of `tokens` for one pass over a long
    query (a 770 kB VALUES block of 60,000 IRIs: ~0.1 s)."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"  # every alternative is a named group
        yield kind, m.group(kind), m.start(kind)


def words(text: str) -> list[str]:
    """Bare words of the text, upper-cased, in order."""
    return [t.text.upper() for t in tokens(text) if t.kind == "word"]


_ESCAPE = re.compile(_UCHAR)
_LOCAL_ESCAPE = re.compile(r"\\(.)")


def unescape_iri(token: str) -> str:
    """The IRI of an IRIREF token, its UCHAR escapes decoded."""
    return _ESCAPE.sub(lambda m: chr(int(m.group()[2:], 16)), token[1:-1])


def unescape_local(local: str) -> str:
    """A PN_LOCAL as the IRI it stands for: `\\#` is `#`; `%20` stays as it is."""
    return _LOCAL_ESCAPE.sub(r"\1", local)


def expand_codepoints(text: str) -> str:
    """`\\uXXXX` / `\\UXXXXXXXX` replaced everywhere (SPARQL 1.1 §19.2 preprocessing)."""
    def one(m: re.Match) -> str:
        try:
            return chr(int(m.group()[2:], 16))
        except ValueError:
            return m.group()
    return _ESCAPE.sub(one, text)
