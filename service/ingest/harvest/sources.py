"""Stored harvest sources: one subject each in the harvest system graph.

Kept in the store (not a file beside it) so that several app processes sharing one SPARQL
store see the same sources. Nothing secret is kept: URLs with credentials are refused
(credentials.py scrubs older ones).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rdflib import Literal, URIRef

from service.catalog.bookkeeping import now
from service.errors import Conflict, NotFound, SocleError
from service.ingest.harvest.policy import refuse_credentials
from service.rdf.namespaces import DCTERMS, HARVEST_GRAPH, RDF, SOCLE, XSD
from service.store import PutSubject, Store
from service.store.base import Triple

SOURCE_PREFIX = "urn:socle:harvest:source:"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
HARVEST_SOURCE = SOCLE.HarvestSource


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    publisher: str
    name: str
    created: str
    allow_private: bool = False
    grace_days: float | None = None  # None: the setting's default
    accept_invalid: bool = False  # take records with SHACL violations (write policy publish)

    @property
    def node(self) -> str:
        return SOURCE_PREFIX + self.id


def _triples(src: Source) -> list[Triple]:
    node = URIRef(src.node)
    triples: list[Triple] = [
        (node, RDF.type, HARVEST_SOURCE),
        (node, SOCLE.localId, Literal(src.id)),
        (node, SOCLE.url, Literal(src.url, datatype=XSD.anyURI)),
        (node, SOCLE.publisherId, Literal(src.publisher)),
        (node, DCTERMS.title, Literal(src.name)),
        (node, DCTERMS.created, Literal(src.created, datatype=XSD.dateTime)),
        (node, SOCLE.allowPrivate, Literal(src.allow_private)),
        (node, SOCLE.acceptInvalid, Literal(src.accept_invalid)),
    ]
    if src.grace_days is not None:
        triples.append((node, SOCLE.graceDays, Literal(float(src.grace_days),
                                                       datatype=XSD.decimal)))
    return triples


_SELECT = f"""PREFIX socle: <{SOCLE}> PREFIX dct: <{DCTERMS}>
SELECT ?id ?url ?pub ?name ?created ?private ?grace ?lenient WHERE {{ GRAPH <{HARVEST_GRAPH}> {{
  ?s a socle:HarvestSource ; socle:localId ?id ; socle:url ?url ; socle:publisherId ?pub ;
     dct:title ?name ; dct:created ?created ; socle:allowPrivate ?private .
  OPTIONAL {{ ?s socle:graceDays ?grace }} OPTIONAL {{ ?s socle:acceptInvalid ?lenient }}
  %s }} }} ORDER BY ?pub ?id"""


def _source(row: dict) -> Source:
    grace = row.get("grace")
    return Source(str(row["id"]), str(row["url"]), str(row["pub"]), str(row["name"]),
                  str(row["created"]), str(row["private"]).lower() == "true",
                  float(str(grace)) if grace is not None else None,
                  str(row.get("lenient", "")).lower() == "true")


def list_sources(store: Store, publisher: str | None = None) -> list[Source]:
    where = f"FILTER(?pub = {Literal(publisher).n3()})" if publisher else ""
    return [_source(r) for r in store.select(_SELECT % where)]


def get_source(store: Store, source_id: str) -> Source:
    rows = store.select(_SELECT % f"VALUES ?id {{ {Literal(source_id).n3()} }}")
    if not rows:
        raise NotFound(f"Aucune source de moissonnage « {source_id} ».",
                       f"No harvest source '{source_id}'.")
    return _source(rows[0])


def find_source(store: Store, publisher: str, url: str) -> Source | None:
    for src in list_sources(store, publisher):
        if src.url == url:
            return src
    return None


def default_id(publisher: str, url: str) -> str:
    return f"{publisher}-{hashlib.sha256(url.encode()).hexdigest()[:8]}"[:63]


def add_source(store: Store, url: str, publisher: str, *, name: str | None = None,
               source_id: str | None = None, allow_private: bool = False,
               grace_days: float | None = None, accept_invalid: bool = False) -> Source:
    """A new source; the same URL twice for one publisher is refused (409), a URL with
    credentials too (400: sources are public)."""
    refuse_credentials(url)
    if not url.startswith(("http://", "https://")):
        raise SocleError(f"URL non prise en charge : {url} (http ou https attendu).",
                         f"Unsupported URL: {url} (http or https expected).")
    source_id = source_id or default_id(publisher, url)
    if not ID_PATTERN.match(source_id):
        raise SocleError(
            f"Identifiant de source invalide « {source_id} » (minuscules, chiffres, tirets).",
            f"Invalid source id '{source_id}' (lower-case letters, digits, hyphens).")
    existing = find_source(store, publisher, url)
    if existing is not None:
        raise Conflict(f"Cette URL est déjà une source de « {publisher} » ({existing.id}).",
                       f"This URL already is a source of '{publisher}' ({existing.id}).",
                       source=existing.id)
    if store.select(_SELECT % f"VALUES ?id {{ {Literal(source_id).n3()} }}"):
        raise Conflict(f"La source « {source_id} » existe déjà.",
                       f"Source '{source_id}' already exists.", source=source_id)
    src = Source(source_id, url, publisher, name or url, now(), allow_private, grace_days,
                 accept_invalid)
    return put_source(store, src)


def put_source(store: Store, src: Source) -> Source:
    """Store (or replace) one source; returned as stored (Oxigraph normalises the dateTime)."""
    store.apply([PutSubject(HARVEST_GRAPH, src.node, _triples(src))])
    return get_source(store, src.id)


def remove_source(store: Store, source_id: str) -> Source:
    """Forget a source and its per-record state; the harvested records stay, unsynchronised."""
    src = get_source(store, source_id)
    store.update(f"""PREFIX socle: <{SOCLE}>
      DELETE {{ GRAPH <{HARVEST_GRAPH}> {{ ?s ?p ?o }} }}
      WHERE {{ GRAPH <{HARVEST_GRAPH}> {{ ?s socle:source <{src.node}> ; ?p ?o }} }} ;
      DELETE WHERE {{ GRAPH <{HARVEST_GRAPH}> {{ <{src.node}> ?p ?o }} }}""")
    return src
