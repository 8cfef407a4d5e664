"""Delegation: an EPCI's token writes records for a member commune's publisher.

How syndicats mixtes and intercommunalités work: the EPCI's team publishes for its communes.
The operator allows it per pair (`socle publisher delegate EPCI_ID --to COMMUNE_ID`), after the
registry confirms the commune is a member. Kept in the publishers graph under a subject of its
own, `urn:socle:delegation:{commune_id}` (a publisher's own triples are rewritten whole on each
change; this way they never lose a delegation).
"""

from __future__ import annotations

from rdflib import Literal, URIRef

from service.auth.jsonfile import DataFiles
from service.catalog.publishers import get_publisher
from service.errors import Forbidden, SocleError
from service.rdf.namespaces import PUBLISHERS_GRAPH, SOCLE
from service.store import PutSubject, Store
from service.territories.publishers import territory_of
from service.territories.registry import Registry, registry


def _node(commune_id: str) -> str:
    return f"urn:socle:delegation:{commune_id}"


def delegates_of(store: Store, publisher_id: str) -> set[str]:
    """Ids of the publishers allowed to write for `publisher_id`."""
    rows = store.select(f"""SELECT ?d WHERE {{ GRAPH <{PUBLISHERS_GRAPH}> {{
        <{_node(publisher_id)}> <{SOCLE.delegate}> ?d }} }}""")
    return {str(r["d"]) for r in rows}


def _put(store: Store, publisher_id: str, delegates: set[str]) -> None:
    node = URIRef(_node(publisher_id))
    triples = [(node, SOCLE.delegatedPublisher, Literal(publisher_id))] if delegates else []
    triples += [(node, SOCLE.delegate, Literal(d)) for d in sorted(delegates)]
    store.apply([PutSubject(PUBLISHERS_GRAPH, str(node), triples)])


def delegate(store: Store, base_url: str, epci_id: str, commune_id: str,
             force: bool = False, reg: Registry | None = None) -> None:
    """Allow `epci_id` to write for `commune_id`; the registry must list the commune as a
    member of the EPCI (`force` skips that check, for groupings it does not know)."""
    reg = reg or registry()
    epci = get_publisher(store, base_url, epci_id)
    commune = get_publisher(store, base_url, commune_id)
    if epci.id == commune.id:
        raise SocleError("Un éditeur ne peut pas se déléguer à lui-même.",
                         "A publisher cannot delegate to itself.")
    if not force:
        group, member = territory_of(epci, reg), territory_of(commune, reg)
        if group is None or group.kind != "EPCI" or member is None or member.kind != "COM":
            raise SocleError(
                f"« {epci.id} » doit être une intercommunalité et « {commune.id} » une commune "
                "du registre (éditeurs ajoutés avec --siren) ; --force pour passer outre.",
                f"'{epci.id}' must be an inter-municipality and '{commune.id}' a commune of the "
                "registry (publishers added with --siren); --force to override.")
        if group.siren not in member.groups:
            raise SocleError(
                f"{member.name} n'est pas membre de {group.name} (découpage administratif "
                f"{reg.version}).",
                f"{member.name} is not a member of {group.name} (decoupage-administratif "
                f"{reg.version}).")
    _put(store, commune.id, delegates_of(store, commune.id) | {epci.id})


def revoke(store: Store, base_url: str, epci_id: str, commune_id: str) -> None:
    commune = get_publisher(store, base_url, commune_id)
    _put(store, commune.id, delegates_of(store, commune.id) - {epci_id})


def acting_publisher(store: Store, writer: str, target: str | None) -> str:
    """The publisher a write is made for: `target` (e.g. `?publisher=` on POST /datasets)
    when the writer's token may write for it, else 403."""
    if not target or target == writer:
        return writer
    if writer in delegates_of(store, target):
        return target
    raise Forbidden(
        f"Votre jeton écrit pour « {writer} », qui n'a pas de délégation de « {target} » "
        "(socle publisher delegate).",
        f"Your token writes for '{writer}', which has no delegation from '{target}' "
        "(socle publisher delegate).")


def writer_for_record(store: Store, writer: str, owner: str) -> str:
    """The publisher to write an existing record as: its owner when `writer` is a delegate of
    it; otherwise `writer`, and the ownership check refuses as before."""
    if writer != owner and writer in delegates_of(store, owner):
        return owner
    return writer


def require_writer(store: Store, files: DataFiles, base_url: str, authorization: str | None,
                   publisher_id: str) -> str:
    """The publisher a write on `/publishers/{publisher_id}/…` is made for: the token's own,
    or one that delegated to it; 401 without a token, 404 for an unknown publisher, 403
    otherwise. One check for every per-publisher write endpoint (import, harvest)."""
    from service.auth.tokens import require_publisher

    writer = require_publisher(files, authorization)
    get_publisher(store, base_url, publisher_id)
    return acting_publisher(store, writer, publisher_id)
