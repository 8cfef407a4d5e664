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
# The write policy of a source's records with violations after repair (catalog/rules.py):
# kept non-public with their fix list (quarantine, the default), refused (strict), or
# published as they are (publish: `--accept-invalid`, a non-conformant feed).
SOURCE_POLICIES = ("strict", "quarantine", "publish")
DEFAULT_POLICY = "quarantine"


@dataclass(frozen=True)
class Source:
    id: str
    url: str
    publisher: str
    name: str
    created: str
    allow_private: bool = False
    grace_days: float | None = None  # None: the setting's default
    policy: str = DEFAULT_POLICY  # SOURCE_POLICIES

    @property
    def node(self) -> str:
        return SOURCE_PREFIX + self.id

    @property
    def accept_invalid(self) -> bool:
        """Records with violations are published (write policy publish)."""
        return self.policy == "publish"


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
        (node, SOCLE.writePolicy, Literal(src.policy)),
    ]
    if src.grace_days is not None:
        triples.append((node, SOCLE.graceDays, Literal(float(src.grace_days),
                                                       datatype=XSD.decimal)))
    return triples


_SELECT = f"""PREFIX socle: <{SOCLE}> PREFIX dct: <{DCTERMS}>
SELECT ?id ?url ?pub ?name ?created ?private ?grace ?lenient ?policy WHERE {{
GRAPH <{HARVEST_GRAPH}> {{
  ?s a socle:HarvestSource ; socle:localId ?id ; socle:url ?url ; socle:publisherId ?pub ;
     dct:title ?name ; dct:created ?created ; socle:allowPrivate ?private .
  OPTIONAL {{ ?s socle:graceDays ?grace }} OPTIONAL {{ ?s socle:acceptInvalid ?lenient }}
  OPTIONAL {{ ?s socle:writePolicy ?policy }}
  %s }} }} ORDER BY ?pub ?id"""


def _source(row: dict) -> Source:
    grace = row.get("grace")
    # Sources stored before the policy: accept_invalid meant publish, else the default.
    lenient = str(row.get("lenient", "")).lower() == "true"
    policy = str(row.get("policy") or ("publish" if lenient else DEFAULT_POLICY))
    return Source(str(row["id"]), str(row["url"]), str(row["pub"]), str(row["name"]),
                  str(row["created"]), str(row["private"]).lower() == "true",
                  float(str(grace)) if grace is not None else None, policy)


def source_policy(policy: str | None, accept_invalid: bool = False) -> str:
    """The policy asked (``--accept-invalid`` is ``publish``); 400 for an unknown one."""
    if accept_invalid:
        if policy not in (None, "publish"):
            raise SocleError("--accept-invalid est la politique « publish » : ne donnez pas "
                             f"aussi « {policy} ».",
                             f"--accept-invalid is policy 'publish': do not also give "
                             f"'{policy}'.")
        return "publish"
    policy = policy or DEFAULT_POLICY
    if policy not in SOURCE_POLICIES:
        raise SocleError(f"Politique « {policy} » inconnue (acceptées : "
                         f"{', '.join(SOURCE_POLICIES)}).",
                         f"Unknown policy '{policy}' (accepted: {', '.join(SOURCE_POLICIES)}).",
                         parameter="policy")
    return policy


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
               grace_days: float | None = None, accept_invalid: bool = False,
               policy: str | None = None) -> Source:
    """A new source; the same URL twice for one publisher is refused (409), a URL with
    credentials too (400: sources are public)."""
    refuse_credentials(url)
    policy = source_policy(policy, accept_invalid)
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
                 policy)
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
