"""Exemptions from the open-data obligation, marked by the operator.

The law (loi pour une République numérique, art. 6; CGCT L1112-23) obliges local authorities
of more than 3,500 inhabitants *and* 50 agents or more. The registry knows the population, not
the staff: the dashboard says "likely obliged", and the operator marks the exceptions here
(`socle territory exempt SIREN --reason ...`). Kept in a system graph of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef

from service.catalog.bookkeeping import now
from service.errors import SocleError
from service.rdf.namespaces import DCTERMS, RDFS, SOCLE
from service.store import PutSubject, Store
from service.territories.publishers import lookup_siren
from service.territories.registry import Registry, registry

EXEMPTIONS_GRAPH = "urn:socle:graph:exemptions"


@dataclass(frozen=True)
class Exemption:
    siren: str
    reason: str
    created: str


def _node(siren: str) -> str:
    return f"urn:socle:exemption:{siren}"


def exempt(store: Store, siren: str, reason: str, reg: Registry | None = None) -> Exemption:
    reg = reg or registry()
    t = lookup_siren(siren, reg)
    if t is None:
        raise SocleError(f"SIREN inconnu « {siren} » dans le registre ({reg.version}).",
                         f"Unknown SIREN '{siren}' in the registry ({reg.version}).",
                         parameter="siren")
    if not reason.strip():
        raise SocleError("Donnez la raison de l'exemption (--reason).",
                         "Give the reason for the exemption (--reason).")
    node = URIRef(_node(siren))
    item = Exemption(siren, reason.strip(), now())
    store.apply([PutSubject(EXEMPTIONS_GRAPH, str(node), [
        (node, DCTERMS.identifier, Literal(siren)),
        (node, RDFS.comment, Literal(item.reason, lang="fr")),
        (node, DCTERMS.created, Literal(item.created)),
        (node, SOCLE.exemptTerritory, URIRef(t.iri)),
    ])])
    return item


def unexempt(store: Store, siren: str) -> None:
    store.apply([PutSubject(EXEMPTIONS_GRAPH, _node(siren))])


def exemptions(store: Store) -> dict[str, Exemption]:
    """SIREN → exemption."""
    rows = store.select(f"""SELECT ?siren ?reason ?created WHERE {{
        GRAPH <{EXEMPTIONS_GRAPH}> {{ ?e <{DCTERMS.identifier}> ?siren ;
        <{RDFS.comment}> ?reason ; <{DCTERMS.created}> ?created }} }}""")
    return {str(r["siren"]): Exemption(str(r["siren"]), str(r["reason"]), str(r["created"]))
            for r in rows}
