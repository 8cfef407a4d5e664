"""Tokens: random secrets shown once, stored as SHA-256 digests, each scoped to a publisher.

A digest is enough (no slow KDF): tokens carry 256 bits of randomness, so they cannot be guessed
from their hash, and checking one costs a single lookup on every write.

The digests are kept out of the RDF store, in a small JSON file beside it
(`<data>/socle-tokens.json`), so that nothing a SPARQL query can reach (union default graph,
`GRAPH ?g`, `named-graph-uri`) ever sees them. A store without a directory (in memory) keeps them
in memory. Stores written before this change had them in the graph `urn:socle:graph:auth`:
`migrate` moves them out (called when the app starts and on the first token use).
"""

from __future__ import annotations

import hashlib
import secrets
import threading

from service.auth.jsonfile import DataFiles, JsonFile
from service.catalog.bookkeeping import now
from service.catalog.publishers import Publisher
from service.errors import Unauthorized
from service.rdf.namespaces import AUTH_GRAPH, SOCLE
from service.store import DropGraph

PREFIX = "socle_"
TOKENS_FILE = "socle-tokens.json"
_lock = threading.RLock()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _tokens(files: DataFiles) -> JsonFile:
    registry, opened = files.file(TOKENS_FILE)
    if opened:
        migrate(files)
    return registry


def migrate(files: DataFiles) -> int:
    """Move token digests left in the legacy graph `urn:socle:graph:auth` into the token file
    and drop that graph; returns how many were moved (0 on a read-only store)."""
    store = files.store
    if store.read_only:
        return 0
    rows = store.select(f"""SELECT ?node ?pub ?created WHERE {{ GRAPH <{AUTH_GRAPH}> {{
        ?node <{SOCLE.publisherId}> ?pub OPTIONAL {{ ?node <http://purl.org/dc/terms/created>
        ?created }} }} }}""")
    if not rows and not store.ask(f"ASK {{ GRAPH <{AUTH_GRAPH}> {{ ?s ?p ?o }} }}"):
        return 0
    moved = {}
    for row in rows:
        digest = str(row["node"]).rsplit(":", 1)[-1]
        moved[digest] = {"publisher": str(row["pub"]), "created": str(row.get("created", ""))}
    with _lock:
        _tokens(files).put(moved)
        store.apply([DropGraph(AUTH_GRAPH)])
    return len(moved)


def create_token(files: DataFiles, publisher: Publisher) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    with _lock:
        _tokens(files).put({_digest(token): {"publisher": publisher.id,
                                             "created": now()}})
    return token


def publisher_for_token(files: DataFiles, token: str) -> str | None:
    with _lock:
        entry = _tokens(files).entries().get(_digest(token))
    return entry["publisher"] if entry else None


def require_publisher(files: DataFiles, authorization: str | None) -> str:
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
    publisher = publisher_for_token(files, token.strip())
    if publisher is None:
        raise Unauthorized("Jeton inconnu ou révoqué.", "Unknown or revoked token.")
    return publisher
