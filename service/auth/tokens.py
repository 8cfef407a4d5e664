"""Tokens: random secrets shown once, stored as SHA-256 digests, each scoped to a publisher.

A digest is enough (no slow KDF): tokens carry 256 bits of randomness, so they cannot be guessed
from their hash, and checking one costs a single lookup on every write.
"""

from __future__ import annotations

import hashlib
import secrets

from rdflib import Literal, URIRef

from service.catalog.bookkeeping import now
from service.catalog.publishers import Publisher
from service.errors import Unauthorized
from service.rdf.namespaces import AUTH_GRAPH, DCTERMS, SOCLE, XSD
from service.store import PutSubject, Store

PREFIX = "socle_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, publisher: Publisher) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    node = f"urn:socle:token:{_digest(token)}"
    store.apply([PutSubject(AUTH_GRAPH, node, [
        (URIRef(node), SOCLE.publisherId, Literal(publisher.id)),
        (URIRef(node), DCTERMS.created, Literal(now(), datatype=XSD.dateTime)),
    ])])
    return token


def publisher_for_token(store: Store, token: str) -> str | None:
    rows = store.select(f"""SELECT ?pub WHERE {{ GRAPH <{AUTH_GRAPH}> {{
        <urn:socle:token:{_digest(token)}> <{SOCLE.publisherId}> ?pub }} }} LIMIT 1""")
    return str(rows[0]["pub"]) if rows else None


def require_publisher(store: Store, authorization: str | None) -> str:
    """The publisher id a request writes as, from its Authorization header; 401 otherwise."""
    if not authorization:
        raise Unauthorized(
            "Jeton manquant : ajoutez l'en-tête Authorization: Bearer <jeton>.",
            "Missing token: add the header Authorization: Bearer <token>.",
        )
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("En-tête Authorization invalide : « Bearer <jeton> » attendu.",
                           "Invalid Authorization header: 'Bearer <token>' expected.")
    publisher = publisher_for_token(store, token.strip())
    if publisher is None:
        raise Unauthorized("Jeton inconnu ou révoqué.", "Unknown or revoked token.")
    return publisher

