"""What the search index keeps of a record: a `Doc`, from the record's triples."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from service.rdf.namespaces import DCAT, DCTERMS


def parse_stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


_NO_STAMP = datetime(1970, 1, 1, tzinfo=UTC)  # a content_doc's, until with_bookkeeping
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


def with_bookkeeping(doc: Doc, meta: Any) -> Doc:
    """``doc`` (from `content_doc`) with the record's publisher, modified stamp and hash."""
    return replace(doc, publisher=meta.publisher, modified=parse_stamp(meta.modified),
                   hash=getattr(meta, "content_hash", "") or "",
                   facets={**doc.facets, "publisher": frozenset([meta.publisher])})


def content_doc(iri: str, record_id: str, triples: Iterable[Any]) -> Doc:
    """What a record's Doc takes from its triples alone (pyoxigraph terms, as `Store.triples`
    or the writer's N-Triples give them), without the publisher, stamp and hash
    (`with_bookkeeping`): it can be made where the record is prepared (an import's worker
    processes), before the writer stamps it."""
    root = ox.NamedNode(iri)
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

    facets = {f: _values(f, fields.get(f, ()), iri, record_id)
              for f in FACETS if f != "publisher"}
    return Doc(record_id, iri, "", _NO_STAMP, pick(lits("title")), pick(lits("description")),
               tuple(v for v, _ in lits("keyword")), facets)


def _values(facet: str, values: Iterable[str], record_iri: str,
            record_id: str) -> frozenset[str]:
    out = (facet_value(facet, v, record_iri, record_id) for v in values)
    return frozenset(v for v in out if v is not None)
