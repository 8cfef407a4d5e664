"""What the search index keeps of a record: a `Doc`, from the record's triples or, for a whole
rebuild, from a handful of single-predicate queries over the store (one per field, not one
read per record: at 100,000 records a read per graph costs minutes)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyoxigraph as ox

from service.feed.index import parse_stamp
from service.rdf.namespaces import DCAT, DCTERMS, FOAF, RECORDS_GRAPH, SOCLE
from service.store import Store

FACETS = ("publisher", "theme", "schema", "territory", "format", "licence", "frequency")


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
    hash: str = ""


def pick(values: list[tuple[str, str]]) -> str:
    """The French value, else the one without language, else English, else any."""
    for wanted in ("fr", "", "en"):
        for text, lang in values:
            if lang == wanted:
                return text
    return values[0][0] if values else ""


# Record property -> field; the distribution ones feed the same facet as the dataset's.
OWN = {"title": DCTERMS.title, "description": DCTERMS.description, "keyword": DCAT.keyword,
       "theme": DCAT.theme, "frequency": DCTERMS.accrualPeriodicity,
       "licence": DCTERMS.license, "schema": DCTERMS.conformsTo,
       "territory": DCTERMS.spatial}
DIST = {"format": DCTERMS.format, "licence": DCTERMS.license, "schema": DCTERMS.conformsTo}
_LITERAL_FIELDS = ("title", "description", "keyword")
# A schema.data.gouv.fr schema, possibly at a version: the facet groups the versions under the
# schema's IRI, the one vocab/scdl-schemas.ttl labels.
_SCHEMA_VERSION = re.compile(r"^(https://schema\.data\.gouv\.fr/[^/]+/[^/]+/)[^/]+/?$")


def facet_value(facet: str, value: str, record_iri: str, record_id: str) -> str | None:
    """The facet value of an IRI, or None for none: nodes of the record itself (a blank-node
    place or standard, skolemised under the record's IRI or `…/datasets/{id}#`) have no name a
    facet could show."""
    node, hashed, _ = value.partition("#")
    if hashed and (node == record_iri or node.endswith(f"/datasets/{record_id}")):
        return None
    if "/.well-known/genid/" in value:
        return None
    if facet == "schema":
        match = _SCHEMA_VERSION.match(value)
        if match:
            return match.group(1)
    return value


def doc_of(meta: Any, triples: Iterable[Any]) -> Doc:
    """A record's Doc from its triples (pyoxigraph terms, as `Store.triples` or the writer's
    N-Triples give them); meta: its bookkeeping (id, iri, publisher, modified, content_hash)."""
    root = ox.NamedNode(meta.iri)
    own: dict[str, list] = {}
    by_subject: dict[Any, list] = {}
    dists: set[Any] = set()
    own_by_predicate = {str(p): name for name, p in OWN.items()}
    for t in triples:
        s, p, o = (t.subject, t.predicate, t.object) if hasattr(t, "subject") else t
        if s == root:
            if p.value == str(DCAT.distribution):
                dists.add(o)
                continue
            name = own_by_predicate.get(p.value)
            if name is not None:
                own.setdefault(name, []).append(o)
        else:
            by_subject.setdefault(s, []).append((p.value, o))
    fields: dict[str, set[str]] = {}
    for name, values in own.items():
        if name not in _LITERAL_FIELDS:
            fields.setdefault(name, set()).update(v.value for v in values
                                                  if isinstance(v, ox.NamedNode))
    dist_by_predicate = {str(p): name for name, p in DIST.items()}
    for d in dists:
        for p, o in by_subject.get(d, ()):
            name = dist_by_predicate.get(p)
            if name is not None and isinstance(o, ox.NamedNode):
                fields.setdefault(name, set()).add(o.value)

    def lits(name: str) -> list[tuple[str, str]]:
        return [(v.value, v.language or "") for v in own.get(name, ())
                if isinstance(v, ox.Literal)]

    facets = {f: _values(f, fields.get(f, ()), meta.iri, meta.id)
              for f in FACETS if f != "publisher"}
    facets["publisher"] = frozenset([meta.publisher])
    return Doc(meta.id, meta.iri, meta.publisher, parse_stamp(meta.modified),
               pick(lits("title")), pick(lits("description")),
               tuple(v for v, _ in lits("keyword")), facets,
               getattr(meta, "content_hash", "") or "")


def _values(facet: str, values: Iterable[str], record_iri: str,
            record_id: str) -> frozenset[str]:
    out = (facet_value(facet, v, record_iri, record_id) for v in values)
    return frozenset(v for v in out if v is not None)


FACTS = f"""PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX dct: <{DCTERMS}>
SELECT ?id ?iri ?pub ?modified ?hash WHERE {{ GRAPH <{RECORDS_GRAPH}> {{
  ?rec socle:localId ?id ; foaf:primaryTopic ?iri ; socle:publisherId ?pub ;
       dct:modified ?modified OPTIONAL {{ ?rec socle:contentHash ?hash }} }} }}"""
_OWN_Q = "SELECT ?iri ?v (LANG(?v) AS ?l) WHERE { GRAPH ?iri { ?iri <%s> ?v } }"
_DIST_Q = (f"SELECT ?iri ?v WHERE {{ GRAPH ?iri {{ ?iri <{DCAT.distribution}> ?d . "
           "?d <%s> ?v FILTER(isIRI(?v)) } }")


@dataclass(frozen=True)
class Fact:
    id: str
    iri: str
    publisher: str
    modified: str
    content_hash: str


def facts(store: Store) -> Iterator[Fact]:
    """Every record's bookkeeping facts (what the consistency check compares)."""
    for r in store.rows(FACTS):
        yield Fact(r["id"], r["iri"], r["pub"], r["modified"], r.get("hash", ""))


def scan(store: Store) -> Iterator[Doc]:
    """Every record's Doc, field by field (the rebuild)."""
    values: dict[str, dict[str, list]] = {}
    for name, predicate in OWN.items():
        out = values.setdefault(name, {})
        literal = name in _LITERAL_FIELDS
        for r in store.rows(_OWN_Q % predicate):
            if literal == ("l" in r):  # LANG() of an IRI is unbound
                out.setdefault(r["iri"], []).append((r["v"], r.get("l", "")))
    for name, predicate in DIST.items():
        out = values.setdefault(name, {})
        for r in store.rows(_DIST_Q % predicate):
            out.setdefault(r["iri"], []).append((r["v"], ""))
    shared: dict = {}

    def one(value):
        return shared.setdefault(value, value)

    def get(name: str, iri: str) -> list:
        return values.get(name, {}).get(iri, [])

    for f in facts(store):
        facets = {name: one(_values(name, (v for v, _ in get(name, f.iri)), f.iri, f.id))
                  for name in FACETS if name != "publisher"}
        facets["publisher"] = one(frozenset([f.publisher]))
        yield Doc(f.id, f.iri, f.publisher, parse_stamp(f.modified),
                  pick(get("title", f.iri)), pick(get("description", f.iri)),
                  tuple(v for v, _ in get("keyword", f.iri)), facets, f.content_hash)
