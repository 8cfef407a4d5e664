"""The former search index of the web pages (in memory, rebuilt per process), kept as the
baseline of `bench/search.py` only: the service uses service/search (SQLite on disk).


Why not SPARQL per request: a `CONTAINS` filter over 100,000 titles and descriptions, plus one
`GROUP BY` per facet, scans the whole store on every page (seconds at 100k, measured in
`bench/search.py`). The index is built once per process from the store (a handful of
single-predicate queries, like the feed's order index) and kept current by the records
service, whose observers are told of every committed write.

Text: titles, descriptions and keywords, accents and case folded, a query word also matching
longer words it starts (`délib` → `délibérations`); every query word must match. Facets:
publisher, theme, format, licence (dataset or distribution), frequency.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rdflib import Graph, Literal, URIRef

from service.catalog import bookkeeping
from service.feed.index import parse_stamp
from service.rdf.namespaces import DCAT, DCTERMS, FOAF, RECORDS_GRAPH, SOCLE
from service.store import Store

FACETS = ("publisher", "theme", "format", "licence", "frequency")
STOPWORDS = frozenset({"de", "la", "le", "les", "des", "du", "et", "en", "au", "aux", "un",
                       "une", "pour", "par", "sur", "dans", "the", "of", "and", "to", "in",
                       "for", "on"})
_WORD = re.compile(r"[a-z0-9]+")
PREFIX_MIN = 3  # shorter query words match whole words only
CACHE_SIZE = 256
FactsSource = Callable[[], Iterable[Any]]  # entries with id, iri, publisher, modified, themes


def words(text: str) -> list[str]:
    """Lower-case, accent-free words of two letters or more, stop words dropped."""
    folded = text.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return [w for w in _WORD.findall(folded) if len(w) > 1 and w not in STOPWORDS]


@dataclass(frozen=True)
class Doc:
    id: str
    iri: str
    publisher: str
    modified: datetime
    title: str
    description: str
    keywords: tuple[str, ...]
    facets: dict[str, frozenset[str]] = field(default_factory=dict)

    def text_words(self) -> tuple[set[str], set[str]]:
        title = set(words(self.title))
        rest = set(words(self.description)) | {w for k in self.keywords for w in words(k)}
        return title, title | rest


@dataclass(frozen=True)
class Result:
    total: int
    docs: list[Doc]
    facets: dict[str, list[tuple[str, int]]]  # facet -> (value, count), most frequent first


def _pick_title(values: list[tuple[str, str]]) -> str:
    for wanted in ("fr", "", "en"):
        for text, lang in values:
            if lang == wanted:
                return text
    return values[0][0] if values else ""


_FACTS = f"""PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX dct: <{DCTERMS}>
SELECT ?id ?iri ?pub ?modified WHERE {{ GRAPH <{RECORDS_GRAPH}> {{
  ?rec socle:localId ?id ; foaf:primaryTopic ?iri ; socle:publisherId ?pub ;
       dct:modified ?modified }} }}"""
_OWN = "SELECT ?iri ?v (LANG(?v) AS ?l) WHERE { GRAPH ?iri { ?iri <%s> ?v } }"
_DIST = (f"SELECT ?iri ?v WHERE {{ GRAPH ?iri {{ ?iri <{DCAT.distribution}> ?d . "
         "?d <%s> ?v } }")
# Record property -> index field; the distribution ones feed the same facet as the dataset's.
_OWN_FIELDS = {"title": DCTERMS.title, "description": DCTERMS.description,
               "keyword": DCAT.keyword, "theme": DCAT.theme,
               "frequency": DCTERMS.accrualPeriodicity, "licence": DCTERMS.license}
_DIST_FIELDS = {"format": DCTERMS.format, "licence": DCTERMS.license}


class SearchIndex:
    """Docs in slots; postings per word and per facet value; answers cached per version."""

    def __init__(self, store: Store, facts: FactsSource | None = None) -> None:
        """facts: where to read each record's (id, iri, publisher, modified, themes) from;
        the app passes the feed's order index, which holds exactly these and is built
        anyway: its query is the slowest part of a build (~25 s at 100k records)."""
        self._store = store
        self._facts = facts
        # External store: called before each read, outside the lock, to take in the other
        # processes' writes (the app sets it to the feed index's follow, which tells us).
        self.before_read: Callable[[], None] | None = None
        self._lock = threading.RLock()
        self._built = False
        self.version = 0
        self._reset()

    def _reset(self) -> None:
        self._docs: dict[int, Doc] = {}
        self._slot: dict[str, int] = {}
        self._next = 0
        self._words: dict[str, set[int]] = {}
        self._title_words: dict[str, set[int]] = {}
        self._facets: dict[str, dict[str, set[int]]] = {f: {} for f in FACETS}
        self._sorted_words: list[str] | None = None
        self._cache: dict[tuple, tuple[list[int], dict]] = {}
        # (modified timestamp, slot), ascending: the newest-first order without a sort per
        # query (a sort of 100k docs costs ~100 ms), kept sorted by insertion.
        self._recent: list[tuple[float, int]] = []

    # -- building ------------------------------------------------------------------------------
    def warm(self) -> None:
        """Build now (serve starts this in the background, as for the feed index)."""
        self._ensure()

    def _ensure(self) -> None:
        with self._lock:
            if not self._built:
                self._reset()
                for doc in self._scan():
                    self._add(doc, bulk=True)
                self._recent.sort()
                self._built = True
                self.version += 1

    def _rows(self, query: str, names: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        """Solutions as tuples of plain strings in `names` order ("" when unbound)."""
        for row in self._store.rows(query):
            yield tuple(row.get(n, "") for n in names)

    def _fact_rows(self) -> Iterator[tuple[str, str, str, str, frozenset[str] | None]]:
        if self._facts is not None:
            for e in self._facts():
                yield e.id, e.iri, e.publisher, e.modified, e.themes
            return
        for rid, iri, pub, modified in self._rows(_FACTS, ("id", "iri", "pub", "modified")):
            yield rid, iri, pub, modified, None

    def _scan(self) -> Iterator[Doc]:
        values: dict[str, dict[str, list]] = {}
        for name, predicate in _OWN_FIELDS.items():
            if name == "theme" and self._facts is not None:
                continue
            out = values.setdefault(name, {})
            for iri, v, lang in self._rows(_OWN % predicate, ("iri", "v", "l")):
                out.setdefault(iri, []).append((v, lang))
        for name, predicate in _DIST_FIELDS.items():
            out = values.setdefault(name, {})
            for iri, v in self._rows(_DIST % predicate, ("iri", "v")):
                out.setdefault(iri, []).append((v, ""))
        shared: dict = {}

        def one(value):
            return shared.setdefault(value, value)

        def get(name: str, iri: str) -> list:
            return values.get(name, {}).get(iri, [])

        for rid, iri, pub, modified, themes in self._fact_rows():
            if themes is None:
                themes = frozenset(v for v, _ in get("theme", iri))
            yield Doc(
                rid, iri, one(pub), parse_stamp(modified),
                _pick_title(get("title", iri)), _pick_title(get("description", iri)),
                tuple(v for v, _ in get("keyword", iri)),
                {"publisher": one(frozenset([pub])), "theme": one(themes),
                 **{f: one(frozenset(v for v, _ in get(f, iri)))
                    for f in ("format", "licence", "frequency")}})

    @staticmethod
    def doc_from_graph(meta: bookkeeping.RecordMeta, graph: Graph) -> Doc:
        node = URIRef(meta.iri)

        def lits(p) -> list[tuple[str, str]]:
            return [(str(o), o.language or "") for o in graph.objects(node, p)
                    if isinstance(o, Literal)]

        def iris(p, subjects: Iterable) -> frozenset[str]:
            return frozenset(str(o) for s in subjects for o in graph.objects(s, p)
                             if isinstance(o, URIRef))

        dists = list(graph.objects(node, DCAT.distribution))
        return Doc(meta.id, meta.iri, meta.publisher, parse_stamp(meta.modified),
                   _pick_title(lits(DCTERMS.title)), _pick_title(lits(DCTERMS.description)),
                   tuple(v for v, _ in lits(DCAT.keyword)),
                   {"publisher": frozenset([meta.publisher]),
                    "theme": iris(DCAT.theme, [node]),
                    "format": iris(DCTERMS.format, dists),
                    "licence": iris(DCTERMS.license, [node, *dists]),
                    "frequency": iris(DCTERMS.accrualPeriodicity, [node])})

    def _add(self, doc: Doc, bulk: bool = False) -> None:
        slot = self._next
        self._next += 1
        self._docs[slot] = doc
        key = (doc.modified.timestamp(), slot)
        if bulk:
            self._recent.append(key)
        else:
            bisect.insort(self._recent, key)
        self._slot[doc.id] = slot
        title, every = doc.text_words()
        for w in every:
            postings = self._words.get(w)
            if postings is None:
                postings = self._words[w] = set()
                self._sorted_words = None
            postings.add(slot)
        for w in title:
            self._title_words.setdefault(w, set()).add(slot)
        for facet in FACETS:
            for value in doc.facets.get(facet, ()):
                self._facets[facet].setdefault(value, set()).add(slot)

    def _remove(self, record_id: str) -> bool:
        slot = self._slot.pop(record_id, None)
        if slot is None:
            return False
        doc = self._docs.pop(slot)
        pos = bisect.bisect_left(self._recent, (doc.modified.timestamp(), slot))
        del self._recent[pos]
        title, every = doc.text_words()
        for table, ws in ((self._words, every), (self._title_words, title)):
            for w in ws:
                postings = table.get(w)
                if postings is not None:
                    postings.discard(slot)
                    if not postings:
                        del table[w]
                        self._sorted_words = None
        for facet in FACETS:
            for value in doc.facets.get(facet, ()):
                postings = self._facets[facet].get(value)
                if postings is not None:
                    postings.discard(slot)
                    if not postings:
                        del self._facets[facet][value]
        return True

    # -- kept current by the records service (RecordObserver) ----------------------------------
    def record_written(self, meta: bookkeeping.RecordMeta, themes: Iterable[str],
                       keywords: Iterable[str]) -> None:
        with self._lock:
            if not self._built:
                return  # the first search loads the current state
            doc = self.doc_from_graph(meta, self._store.graph(meta.iri))
            self._remove(meta.id)
            self._add(doc)
            self._changed()

    def record_followed(self, meta: Any, themes: Iterable[str], keywords: Iterable[str]) -> None:
        """A write of another process (feed/follow.py), which repeats the recent ones: the
        record's graph is read again only when its dct:modified moved."""
        with self._lock:
            slot = self._slot.get(meta.id)
            if slot is not None and self._docs[slot].modified == parse_stamp(meta.modified):
                return
            self.record_written(meta, themes, keywords)

    def record_deleted(self, record_id: str) -> None:
        with self._lock:
            if self._built and self._remove(record_id):
                self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._cache = {}

    def invalidate(self) -> None:
        with self._lock:
            self._built = False
            self._changed()

    # -- reading -------------------------------------------------------------------------------
    def _catch_up(self) -> None:
        if self.before_read is not None:
            self.before_read()

    def __len__(self) -> int:
        self._catch_up()
        self._ensure()
        return len(self._docs)

    def _matching_words(self, word: str) -> Iterator[str]:
        if len(word) < PREFIX_MIN:
            if word in self._words:
                yield word
            return
        if self._sorted_words is None:
            self._sorted_words = sorted(self._words)

        i = bisect.bisect_left(self._sorted_words, word)
        while i < len(self._sorted_words) and self._sorted_words[i].startswith(word):
            yield self._sorted_words[i]
            i += 1

    def _union(self, table: dict[str, set[int]], word: str) -> set[int]:
        found: set[int] = set()
        for w in self._matching_words(word):
            found |= table.get(w, set())
        return found

    def _match(self, query: str, filters: dict[str, str]) -> tuple[list[int], dict]:
        key = (query, tuple(sorted(filters.items())))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        qwords = words(query)
        matched: set[int] | None = None
        for w in qwords:
            found = self._union(self._words, w)
            matched = found if matched is None else matched & found
        for facet, value in filters.items():
            postings = self._facets.get(facet, {}).get(value, set())
            matched = set(postings) if matched is None else matched & postings
        everything = matched is None
        if qwords:
            title_sets = [self._union(self._title_words, w) for w in qwords]
            order = sorted(matched, key=lambda s: (  # type: ignore[arg-type]
                -sum(s in t for t in title_sets), -self._docs[s].modified.timestamp(), s))
        elif matched is None:
            order = [slot for _, slot in reversed(self._recent)]
        else:
            order = [slot for _, slot in reversed(self._recent) if slot in matched]
        counts: dict[str, list[tuple[str, int]]] = {}
        for facet in FACETS:
            pairs = []
            for value, postings in self._facets[facet].items():
                n = len(postings) if everything else len(postings & matched)  # type: ignore[operator]
                if n:
                    pairs.append((value, n))
            counts[facet] = sorted(pairs, key=lambda p: (-p[1], p[0]))
        if len(self._cache) >= CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = (order, counts)
        return order, counts

    def search(self, query: str = "", filters: dict[str, str] | None = None, *,
               offset: int = 0, limit: int = 20) -> Result:
        filters = {k: v for k, v in (filters or {}).items() if k in FACETS and v}
        self._catch_up()
        with self._lock:
            self._ensure()
            order, counts = self._match(query.strip(), filters)
            docs = [self._docs[s] for s in order[offset:offset + limit]]
            return Result(len(order), docs, counts)

    def latest(self, limit: int = 10, publisher: str | None = None) -> list[Doc]:
        return self.search("", {"publisher": publisher} if publisher else {},
                           limit=limit).docs

    def counts(self, facet: str) -> dict[str, int]:
        """How many records per facet value (e.g. per publisher, for the home page)."""
        self._catch_up()
        with self._lock:
            self._ensure()
            return {v: len(p) for v, p in self._facets[facet].items()}


__all__ = ["FACETS", "Doc", "Result", "SearchIndex", "words"]
