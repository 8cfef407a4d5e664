"""dcat:CatalogRecord bookkeeping kept in the records system graph, one subject per record."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.term import Node

from service.rdf.namespaces import DCAT, DCTERMS, FOAF, RDF, RECORDS_GRAPH, SOCLE, XSD
from service.store import PutSubject, Store
from service.store.base import StoredTriple

RDF_JSON = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")


@dataclass(frozen=True)
class RecordMeta:
    id: str
    iri: str
    publisher: str
    issued: str
    modified: str
    content_hash: str
    validation: dict[str, Any]
    # "public" (in the store), or a non-public status of the private area (catalog/private.py)
    status: str = "public"

    @property
    def public(self) -> bool:
        return self.status == "public"

    @property
    def warnings(self) -> int:
        return int(self.validation.get("warnings", 0))


def now() -> str:
    """UTC, to the millisecond: creation stamps order the feed."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record_node(base_url: str, record_id: str) -> str:
    return f"{base_url}/records/{record_id}"


def bookkeeping_change(base_url: str, meta: RecordMeta, publisher_iri: str) -> PutSubject:
    """The record's bookkeeping triples, as pyoxigraph terms: both backends take them as they
    are, and rdflib would parse each xsd:dateTime it is given (~0.5 ms per record in a bulk
    import)."""
    rec = ox.NamedNode(record_node(base_url, meta.id))
    validation = json.dumps(meta.validation, ensure_ascii=False)
    triples: list[StoredTriple] = [
        (rec, _N.rdf_type, _N.CatalogRecord),
        (rec, _N.primaryTopic, ox.NamedNode(meta.iri)),
        (rec, _N.localId, ox.Literal(meta.id)),
        (rec, _N.publisher, ox.NamedNode(publisher_iri)),
        (rec, _N.publisherId, ox.Literal(meta.publisher)),
        (rec, _N.issued, ox.Literal(meta.issued, datatype=_N.dateTime)),
        (rec, _N.modified, ox.Literal(meta.modified, datatype=_N.dateTime)),
        (rec, _N.contentHash, ox.Literal(meta.content_hash)),
        (rec, _N.warnings, ox.Literal(str(meta.warnings), datatype=_N.integer)),
        (rec, _N.validation, ox.Literal(validation, datatype=_N.rdf_json)),
    ]
    return PutSubject(RECORDS_GRAPH, rec.value, triples)


class _N:
    """The bookkeeping's IRIs as pyoxigraph terms, built once."""

    rdf_type = ox.NamedNode(str(RDF.type))
    CatalogRecord = ox.NamedNode(str(DCAT.CatalogRecord))
    primaryTopic = ox.NamedNode(str(FOAF.primaryTopic))
    localId = ox.NamedNode(str(SOCLE.localId))
    publisher = ox.NamedNode(str(DCTERMS.publisher))
    publisherId = ox.NamedNode(str(SOCLE.publisherId))
    issued = ox.NamedNode(str(DCTERMS.issued))
    modified = ox.NamedNode(str(DCTERMS.modified))
    contentHash = ox.NamedNode(str(SOCLE.contentHash))
    warnings = ox.NamedNode(str(SOCLE.warnings))
    validation = ox.NamedNode(str(SOCLE.validation))
    dateTime = ox.NamedNode(str(XSD.dateTime))
    integer = ox.NamedNode(str(XSD.integer))
    rdf_json = ox.NamedNode(str(RDF_JSON))


def delete_change(base_url: str, record_id: str) -> PutSubject:
    return PutSubject(RECORDS_GRAPH, record_node(base_url, record_id))


_SELECT = f"""
PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX dct: <{DCTERMS}>
SELECT ?id ?iri ?pub ?issued ?modified ?hash ?validation WHERE {{
  GRAPH <{RECORDS_GRAPH}> {{
    ?rec socle:localId ?id ; foaf:primaryTopic ?iri ; socle:publisherId ?pub ;
         dct:issued ?issued ; dct:modified ?modified ; socle:contentHash ?hash ;
         socle:validation ?validation .
    %s
  }}
}} %s"""


def _meta(row: dict[str, Node]) -> RecordMeta:
    return RecordMeta(
        id=str(row["id"]), iri=str(row["iri"]), publisher=str(row["pub"]),
        issued=str(row["issued"]), modified=str(row["modified"]),
        content_hash=str(row["hash"]), validation=json.loads(str(row["validation"])),
    )


def select_many(store: Store, where: str) -> list[RecordMeta]:
    """Every record matching a WHERE fragment (e.g. ``VALUES ?iri { … }``): batch lookups."""
    return [_meta(r) for r in store.select(_SELECT % (where, ""))]


def _one(store: Store, where: str) -> RecordMeta | None:
    rows = store.select(_SELECT % (where, "LIMIT 1"))
    return _meta(rows[0]) if rows else None


# VALUES, not FILTER: Oxigraph binds the key first (an index lookup) instead of scanning every
# record and filtering, which made each lookup O(records), ~100 ms per miss at 10k records.
def by_id(store: Store, record_id: str) -> RecordMeta | None:
    return _one(store, f"VALUES ?id {{ {Literal(record_id).n3()} }}")


def by_iri(store: Store, iri: str) -> RecordMeta | None:
    return _one(store, f"VALUES ?iri {{ <{iri}> }}")


def by_identifier(store: Store, publisher_id: str, identifier: str) -> RecordMeta | None:
    """A publisher's record whose dataset carries this dct:identifier (blank-node inputs)."""
    query = f"""
    PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX dct: <{DCTERMS}>
    SELECT ?id WHERE {{
      GRAPH ?iri {{ ?iri dct:identifier {Literal(identifier).n3()} }}
      GRAPH <{RECORDS_GRAPH}> {{ ?rec socle:publisherId {Literal(publisher_id).n3()} ;
                                     foaf:primaryTopic ?iri ; socle:localId ?id }}
    }} LIMIT 1"""  # identifier first: Oxigraph keeps this join order (an index lookup)
    rows = store.select(query)
    return by_id(store, str(rows[0]["id"])) if rows else None


def list_records(store: Store, *, publisher: str | None = None, limit: int = 100,
                 offset: int = 0) -> list[RecordMeta]:
    where = f"FILTER(?pub = {Literal(publisher).n3()})" if publisher else ""
    return [_meta(r) for r in
            store.select(_SELECT % (where, f"ORDER BY DESC(?modified) ?id LIMIT {int(limit)} "
                                           f"OFFSET {int(offset)}"))]


def count_records(store: Store, publisher: str | None = None) -> int:
    where = f"?rec socle:publisherId {Literal(publisher).n3()} ." if publisher else ""
    rows = store.select(f"""PREFIX socle: <{SOCLE}>
        SELECT (COUNT(?rec) AS ?n) WHERE {{ GRAPH <{RECORDS_GRAPH}> {{
          ?rec socle:localId ?id . {where} }} }}""")
    return int(str(rows[0]["n"])) if rows else 0


def titles(store: Store, iris: list[str], lang: str = "fr") -> dict[str, str]:
    """dct:title of each record, preferring lang, in one query."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in iris)
    rows = store.select(f"""PREFIX dct: <{DCTERMS}>
        SELECT ?iri ?title WHERE {{
          VALUES ?iri {{ {values} }} GRAPH ?iri {{ ?iri dct:title ?title }} }}""")
    out: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: getattr(r["title"], "language", None) != lang):
        out.setdefault(str(row["iri"]), str(row["title"]))
    return out
