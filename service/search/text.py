"""Words of the search index: case and accents folded, French stems, the FTS5 query.

Why stem in Python into a stemmed column: SQLite's FTS5 tokenizers (`unicode61`, `porter`)
have no French stemmer, and Python's sqlite3 module cannot register a custom FTS5 tokenizer
(that needs the C API). So the text is stemmed here, at index time and at query time alike,
with the Snowball French stemmer (`snowballstemmer`, which runs the compiled PyStemmer when it
is installed), and FTS5 indexes the stems with `unicode61 remove_diacritics 2` (accents folded,
"déliber" = "deliber"). Stemming maps "budget"/"budgets" and "délibération"/"délibérations"
to one stem; the Snowball stemmer is a maintained, published algorithm, not a rule list of ours.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from functools import lru_cache

import snowballstemmer

from service.collation import collator

STOPWORDS = frozenset({"de", "la", "le", "les", "des", "du", "et", "en", "au", "aux", "un",
                       "une", "pour", "par", "sur", "dans", "the", "of", "and", "to", "in",
                       "for", "on", "d", "l"})
_WORD = re.compile(r"\w+")
PREFIX_MIN = 3  # shorter query words match whole stems only
_stemmer = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lower case, accents removed (what the tokenizer does, for the query side)."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The folded Snowball French stem of one lower-case word (cached: vocabularies repeat)."""
    return fold(_stemmer.stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case words, stop words dropped (accents kept: the stemmer needs them)."""
    return [w for w in _WORD.findall(text.casefold().replace("_", " "))
            if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def stems(text: str) -> str:
    """The text as space-separated stems: what the FTS5 columns hold."""
    return " ".join(stem(w) for w in words(text))


def query_terms(query: str) -> list[str]:
    """Distinct stems of a query, in order."""
    seen: dict[str, None] = {}
    for w in words(query):
        s = stem(w)
        if s:
            seen.setdefault(s, None)
    return list(seen)


def fts_term(term: str) -> str:
    """One stem as an FTS5 string; a prefix query from PREFIX_MIN letters ("délib" finds
    "délibérations", as the former index did)."""
    quoted = '"' + term.replace('"', '""') + '"'
    return quoted + "*" if len(term) >= PREFIX_MIN else quoted


def fts_query(terms: list[str], every: bool = True) -> str:
    return (" AND " if every else " OR ").join(fts_term(t) for t in terms)


def title_key(title: str) -> bytes:
    """The Unicode Collation Algorithm key of a title as bytes, so that SQLite's byte order
    is the French order ("Éducation" between "Économie" and "Énergie"; CLDR's French is the
    root order, as service/web/formats.py says): 16-bit weights, big-endian."""
    key = collator().sort_key(title.strip())
    return struct.pack(f">{len(key)}H", *(min(k, 0xFFFF) for k in key))
