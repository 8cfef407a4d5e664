"""Publishers by SIREN: name, type, territory and population filled from the registry."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.catalog.publishers import ID_PATTERN, SIREN_PATTERN, Publisher, add_publisher
from service.catalog.publishers import get_publisher as _get
from service.errors import Conflict, SocleError
from service.store import Store
from service.territories.registry import Registry, Territory, normalise, registry

# How "Commune de …" reads before the name's first word (French elision and contraction).
ARTICLES = (("Les ", "des "), ("Le ", "du "), ("La ", "de La "), ("L'", "de L'"))
VOWELS = "AEIOUYÉÈÊÎÏÔÂH"


@dataclass(frozen=True)
class Added:
    publisher: Publisher
    territory: Territory | None  # None: SIREN unknown to the registry, added as given


def publisher_name(t: Territory) -> str:
    """`Commune de Rennes`, `Commune d'Iffendic`, `Commune du Rheu`; an EPCI by its name."""
    if t.kind != "COM":
        return t.name
    for article, contracted in ARTICLES:
        if t.name.startswith(article):
            return f"Commune {contracted}{t.name[len(article):]}"
    if t.name[:1].upper() in VOWELS:
        return f"Commune d'{t.name}"
    return f"Commune de {t.name}"


def slug(text: str) -> str:
    """A publisher id from a name: `Commune d'Iffendic` → `iffendic`."""
    base = normalise(text)
    base = re.sub(r"^commune (de |d |du |des )?", "", base)
    return re.sub(r"\s+", "-", base)[:63].strip("-") or "editeur"


def sirene_iri(base_url: str, siren: str) -> str:
    """SIREN-based publisher IRI: stable when the local id is renamed."""
    return f"{base_url}/publishers/{siren}"


def lookup_siren(siren: str, reg: Registry | None = None) -> Territory | None:
    if not SIREN_PATTERN.match(siren or ""):
        raise SocleError(f"SIREN invalide « {siren} » : 9 chiffres attendus.",
                         f"Invalid SIREN '{siren}': 9 digits expected.", parameter="siren")
    return (reg or registry()).by_siren.get(siren)


def add_by_siren(store: Store, base_url: str, siren: str, publisher_id: str | None = None,
                 name: str | None = None, reg: Registry | None = None) -> Added:
    """Add the publisher a SIREN names in the registry (commune or EPCI).

    `publisher_id` and `name` override what the registry gives. An unknown SIREN is refused
    unless a name is given (then added as before, without territory: an authority the
    registry does not list, e.g. a syndicat mixte)."""
    reg = reg or registry()
    t = lookup_siren(siren, reg)
    if t is None:
        if not name or not publisher_id:
            raise SocleError(
                f"SIREN inconnu « {siren} » : aucune commune ni intercommunalité ne le porte "
                f"dans le registre (découpage administratif {reg.version}). Vérifiez le "
                "numéro, ou donnez l'identifiant et --name pour un autre organisme.",
                f"Unknown SIREN '{siren}': no commune or inter-municipality has it in the "
                f"registry (decoupage-administratif {reg.version}). Check the number, or give "
                "the id and --name for another body.", parameter="siren")
        return Added(add_publisher(store, base_url, publisher_id, name, siren), None)
    name = name or publisher_name(t)
    publisher_id = publisher_id or _free_id(store, base_url, t, name)
    for pub in _with_siren(store, siren):
        raise Conflict(f"Le SIREN {siren} est déjà celui de l'éditeur « {pub.id} ».",
                       f"SIREN {siren} already belongs to publisher '{pub.id}'.")
    pub = add_publisher(store, base_url, publisher_id, name, siren,
                        iri=sirene_iri(base_url, siren), territory=t.iri,
                        kind=t.subtype if t.kind == "EPCI" else t.kind,
                        population=t.legal_population)
    return Added(pub, t)


def _free_id(store: Store, base_url: str, t: Territory, name: str) -> str:
    base = slug(name)
    for candidate in (base, f"{base}-{t.dep}" if t.dep else None, f"{base}-{t.siren}"):
        if candidate and ID_PATTERN.match(candidate) and _get(
                store, base_url, candidate, required=False) is None:
            return candidate
    return str(t.siren)


def _with_siren(store: Store, siren: str) -> list[Publisher]:
    from service.catalog.publishers import list_publishers

    return [p for p in list_publishers(store) if p.siren == siren]


def territory_of(pub: Publisher, reg: Registry | None = None) -> Territory | None:
    """The registry entry of a publisher: its stored territory, else its SIREN."""
    reg = reg or registry()
    if pub.territory:
        found = reg.by_iri(pub.territory)
        if found is not None:
            return found
    return reg.by_siren.get(pub.siren) if pub.siren else None
