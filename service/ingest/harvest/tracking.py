"""Per-record harvest state: which record a source's dataset became, the hash of its *source*
description, when it was harvested, since when it is missing. Also the per-source run lock.

The state lives in the harvest system graph and doubles as the records' provenance: each state
node says ``foaf:primaryTopic`` <dataset>, ``dct:source`` <page it came from>,
``prov:generatedAtTime`` (harvested at), ``socle:source`` <harvest source>.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from rdflib import Literal, URIRef

from service.catalog.bookkeeping import now
from service.rdf.namespaces import (
    DCTERMS,
    FOAF,
    HARVEST_GRAPH,
    PROV,
    RDF,
    RECORDS_GRAPH,
    SOCLE,
    XSD,
)
from service.store import PutSubject, Store
from service.store.base import Triple

STATE_PREFIX = "urn:socle:harvest:record:"
LOCK_PREFIX = "urn:socle:harvest:lock:"


@dataclass(frozen=True)
class Tracked:
    source_node: str
    key: str  # the dataset IRI, or identifier=<dct:identifier> for blank-node datasets
    record_id: str
    record_iri: str
    source_hash: str
    harvested: str
    page: str
    missing_since: str | None = None
    exists: bool = True  # the record is still in the store (a curator may have deleted it)

    @property
    def node(self) -> str:
        return state_node(self.source_node, self.key)


def state_node(source_node: str, key: str) -> str:
    digest = hashlib.sha256(f"{source_node} {key}".encode()).hexdigest()[:32]
    return f"{STATE_PREFIX}{digest}"


def put(t: Tracked) -> PutSubject:
    node = URIRef(t.node)
    triples: list[Triple] = [
        (node, RDF.type, SOCLE.HarvestedRecord),
        (node, SOCLE.source, URIRef(t.source_node)),
        (node, SOCLE.key, Literal(t.key)),
        (node, SOCLE.localId, Literal(t.record_id)),
        (node, FOAF.primaryTopic, URIRef(t.record_iri)),
        (node, SOCLE.sourceHash, Literal(t.source_hash)),
        (node, PROV.generatedAtTime, Literal(t.harvested, datatype=XSD.dateTime)),
        (node, DCTERMS.source, Literal(t.page, datatype=XSD.anyURI)),
    ]
    if t.missing_since:
        triples.append((node, SOCLE.missingSince, Literal(t.missing_since,
                                                          datatype=XSD.dateTime)))
    return PutSubject(HARVEST_GRAPH, t.node, triples)


def drop(t: Tracked) -> PutSubject:
    return PutSubject(HARVEST_GRAPH, t.node)


def tracked(store: Store, source_node: str) -> dict[str, Tracked]:
    """Every dataset this source gave, by key, with whether its record still exists."""
    query = f"""
    PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX prov: <{PROV}> PREFIX dct: <{DCTERMS}>
    SELECT ?key ?id ?iri ?hash ?at ?page ?missing ?rec WHERE {{
      GRAPH <{HARVEST_GRAPH}> {{
        ?s socle:source <{source_node}> ; socle:key ?key ; socle:localId ?id ;
           foaf:primaryTopic ?iri ; socle:sourceHash ?hash ; prov:generatedAtTime ?at ;
           dct:source ?page .
        OPTIONAL {{ ?s socle:missingSince ?missing }} }}
      OPTIONAL {{ GRAPH <{RECORDS_GRAPH}> {{ ?rec socle:localId ?id ; foaf:primaryTopic ?iri }} }}
    }}"""
    out = {}
    for r in store.rows(query):
        out[r["key"]] = Tracked(source_node, r["key"], r["id"], r["iri"], r["hash"], r["at"],
                                r["page"], r.get("missing"), "rec" in r)
    return out


def provenance(store: Store, record_iri: str) -> list[dict[str, str]]:
    """Where a record was harvested from: source id and URL, page, harvested at."""
    rows = store.select(f"""
    PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX prov: <{PROV}> PREFIX dct: <{DCTERMS}>
    SELECT ?sid ?url ?page ?at WHERE {{ GRAPH <{HARVEST_GRAPH}> {{
      ?s foaf:primaryTopic <{record_iri}> ; socle:source ?src ; dct:source ?page ;
         prov:generatedAtTime ?at . ?src socle:localId ?sid ; socle:url ?url }} }}""")
    return [{"source": str(r["sid"]), "url": str(r["url"]), "page": str(r["page"]),
             "harvested": str(r["at"])} for r in rows]


def mark_missing(t: Tracked, since: str) -> PutSubject:
    return put(replace(t, missing_since=since))


def overdue(t: Tracked, grace_days: float, at: datetime | None = None) -> bool:
    """Missing for at least the grace period (0: at once)."""
    if t.missing_since is None:
        return grace_days <= 0
    since = datetime.fromisoformat(t.missing_since.replace("Z", "+00:00"))
    return (at or datetime.now(UTC)) - since >= timedelta(days=grace_days)


# -- run lock ----------------------------------------------------------------------------------
def claim(store: Store, source_node: str, owner: str, seconds: float) -> bool:
    """Take the source's lock unless another live run holds it; one atomic update, so it also
    holds between app processes sharing the store. Expired locks (crashed runs) are taken.
    The WHERE has a VALUES row for the filter to act on: with an otherwise empty WHERE (or a
    BIND, or OPTIONAL + !BOUND) Virtuoso inserted even when the lock existed (two owners)."""
    lock = _lock(source_node)
    stamp = now()
    expires = (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")
    dt = f"<{XSD.dateTime}>"
    store.update(f"""PREFIX socle: <{SOCLE}>
      DELETE {{ GRAPH <{HARVEST_GRAPH}> {{ <{lock}> ?p ?o }} }}
      WHERE {{ GRAPH <{HARVEST_GRAPH}> {{ <{lock}> socle:expires ?e ; ?p ?o
               FILTER(?e < "{stamp}"^^{dt}) }} }} ;
      INSERT {{ GRAPH <{HARVEST_GRAPH}> {{ <{lock}> socle:owner {Literal(owner).n3()} ;
                                              socle:expires "{expires}"^^{dt} }} }}
      WHERE {{ VALUES ?one {{ 1 }} FILTER NOT EXISTS {{
        GRAPH <{HARVEST_GRAPH}> {{ <{lock}> socle:owner ?any }} }} }}""")
    return holder(store, source_node) == owner


def holder(store: Store, source_node: str) -> str | None:
    """Who holds the source's run lock (None: free), expired or not."""
    rows = store.select(f"""SELECT ?o WHERE {{ GRAPH <{HARVEST_GRAPH}> {{
        <{_lock(source_node)}> <{SOCLE.owner}> ?o }} }}""")
    return str(rows[0]["o"]) if rows else None


def _lock(source_node: str) -> str:
    return LOCK_PREFIX + hashlib.sha256(source_node.encode()).hexdigest()[:32]


def release(store: Store, source_node: str, owner: str) -> None:
    store.update(release_update(source_node, owner))


def release_update(source_node: str, owner: str) -> str:
    """The SPARQL Update that frees the lock if `owner` still holds it: a run ends by sending
    it in the same request as its final report (runner.py), so no reader sees the run ended
    while its lock is still taken."""
    lock = _lock(source_node)
    # Full IRIs, no PREFIX: Oxigraph refuses a prologue after the ";" of an earlier operation.
    return f"""DELETE {{ GRAPH <{HARVEST_GRAPH}> {{ <{lock}> ?p ?o }} }}
      WHERE {{ GRAPH <{HARVEST_GRAPH}> {{
        <{lock}> <{SOCLE.owner}> {Literal(owner).n3()} ; ?p ?o }} }}"""
