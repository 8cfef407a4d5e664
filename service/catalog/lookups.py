"""Bookkeeping lookups of the batch writer (``writer.py``): one query per kind of key
per batch, in chunks of 500 values, instead of 3-4 queries per record."""

from __future__ import annotations

from rdflib import Literal

from service.catalog import bookkeeping
from service.catalog.bookkeeping import RecordMeta
from service.rdf.namespaces import DCTERMS, FOAF, RECORDS_GRAPH, SOCLE
from service.store import Store


def metas(store: Store, key: str, values: set[str]) -> dict[str, RecordMeta]:
    """Bookkeeping of every record whose local id / dataset IRI is in values, by that key."""
    out: dict[str, RecordMeta] = {}
    ordered = sorted(values)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        terms = " ".join(Literal(v).n3() if key == "id" else f"<{v}>" for v in chunk)
        for meta in bookkeeping.select_many(store, f"VALUES ?{key} {{ {terms} }}"):
            out.setdefault(meta.id if key == "id" else meta.iri, meta)
    return out


def stored_identifiers(store: Store, iris: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for start in range(0, len(iris), 500):
        values = " ".join(f"<{i}>" for i in iris[start:start + 500])
        rows = store.select(f"""PREFIX dct: <{DCTERMS}> SELECT ?g ?v WHERE {{
            VALUES ?g {{ {values} }} GRAPH ?g {{ ?g dct:identifier ?v }} }}""")
        for row in rows:
            out.setdefault(str(row["g"]), []).append(str(row["v"]))
    return out


def identifier_ids(store: Store, publisher_id: str, idents: set[str]) -> dict[str, list[str]]:
    """Local ids of the publisher's records whose dataset has each dct:identifier (sorted:
    the first is the one a blank-node document updates; more than one is an older store's)."""
    by_ident: dict[str, list[str]] = {}
    ordered = sorted(idents)
    for start in range(0, len(ordered), 500):
        values = " ".join(Literal(i).n3() for i in ordered[start:start + 500])
        rows = store.select(f"""
        PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX dct: <{DCTERMS}>
        SELECT ?ident ?id WHERE {{
          VALUES ?ident {{ {values} }}
          GRAPH ?iri {{ ?iri dct:identifier ?ident }}
          GRAPH <{RECORDS_GRAPH}> {{ ?rec socle:publisherId {Literal(publisher_id).n3()} ;
                                         foaf:primaryTopic ?iri ; socle:localId ?id }}
        }} ORDER BY ?ident ?id""")
        for row in rows:
            by_ident.setdefault(str(row["ident"]), []).append(str(row["id"]))
    return by_ident


def described_by(store: Store, iris: set[str]) -> dict[str, set[str]]:
    """Publisher ids of the records whose graphs have each IRI as a subject (ownership)."""
    out: dict[str, set[str]] = {}
    ordered = sorted(iris)
    for start in range(0, len(ordered), 500):
        values = " ".join(f"<{i}>" for i in ordered[start:start + 500])
        rows = store.select(f"""
        PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}>
        SELECT DISTINCT ?s ?pub WHERE {{
          VALUES ?s {{ {values} }}
          GRAPH ?g {{ ?s ?p ?o }}
          GRAPH <{RECORDS_GRAPH}> {{ ?rec foaf:primaryTopic ?g ; socle:publisherId ?pub }}
        }}""")
        for row in rows:
            out.setdefault(str(row["s"]), set()).add(str(row["pub"]))
    return out
