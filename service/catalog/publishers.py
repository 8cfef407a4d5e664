"""Publishers: foaf:Agent nodes in their own system graph, one sub-catalogue each."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal as Exactly
from typing import overload

from rdflib import Literal, URIRef
from rdflib.term import Node

from service.errors import Conflict, NotFound, SocleError
from service.rdf.namespaces import DCTERMS, FOAF, PUBLISHERS_GRAPH, RDF, SOCLE
from service.store import PutSubject, Store
from service.store.base import Triple

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
SIREN_PATTERN = re.compile(r"^\d{9}$")
LOCAL_AUTHORITY = URIRef("http://purl.org/adms/publishertype/LocalAuthority")


@dataclass(frozen=True)
class Publisher:
    id: str
    name: str
    siren: str | None
    iri: str
    profile: str | None = None  # default output profile of its feed (docs/harvesters.md)
    # From the territories registry when added by SIREN (docs/territories.md).
    territory: str | None = None  # INSEE IRI of the commune / EPCI it is the authority of
    kind: str | None = None  # COM, or the EPCI type (CC, CA, CU, METRO, MET69, EPT)
    population: int | None = None


def publisher_iri(base_url: str, publisher_id: str) -> str:
    return f"{base_url}/publishers/{publisher_id}"


def publisher_triples(pub: Publisher) -> list[Triple]:
    """What every record of this publisher carries about it (DCAT-AP Agent: type and name)."""
    node = URIRef(pub.iri)
    triples: list[Triple] = [
        (node, RDF.type, FOAF.Agent),
        (node, RDF.type, FOAF.Organization),
        (node, FOAF.name, Literal(pub.name, lang="fr")),
        # Publishers here are local authorities and their groupings (ADMS publisher types).
        (node, DCTERMS.type, LOCAL_AUTHORITY),
    ]
    if pub.siren:
        triples.append((node, DCTERMS.identifier, Literal(pub.siren)))
    return triples


def add_publisher(store: Store, base_url: str, publisher_id: str, name: str,
                  siren: str | None = None, *, iri: str | None = None,
                  territory: str | None = None, kind: str | None = None,
                  population: int | None = None) -> Publisher:
    if not ID_PATTERN.match(publisher_id):
        raise SocleError(
            f"Identifiant d'éditeur invalide « {publisher_id} » : minuscules, chiffres et tirets.",
            f"Invalid publisher id '{publisher_id}': lowercase letters, digits and dashes.",
        )
    if siren is not None and not SIREN_PATTERN.match(siren):
        raise SocleError(f"SIREN invalide « {siren} » : 9 chiffres attendus.",
                         f"Invalid SIREN '{siren}': 9 digits expected.")
    if not name.strip():
        raise SocleError("Le nom de l'éditeur est vide.", "The publisher name is empty.")
    if get_publisher(store, base_url, publisher_id, required=False):
        raise Conflict(f"L'éditeur « {publisher_id} » existe déjà.",
                       f"Publisher '{publisher_id}' already exists.")
    pub = Publisher(publisher_id, name.strip(), siren,
                    iri or publisher_iri(base_url, publisher_id), None, territory, kind,
                    population)
    _save(store, pub)
    return pub


def set_default_profile(store: Store, base_url: str, publisher_id: str,
                        profile: str | None) -> Publisher:
    """The profile the publisher's feed uses without ?profile= (None: the service default).

    Why: a harvester such as data.gouv.fr's is then given a plain suffix URL."""
    from service.rdf.profiles import get_profile

    if profile is not None:
        get_profile(profile)  # 400 with the known names when unknown
    pub = replace(get_publisher(store, base_url, publisher_id), profile=profile)
    _save(store, pub)
    return pub


def _save(store: Store, pub: Publisher) -> None:
    node = URIRef(pub.iri)
    triples = [*publisher_triples(pub), (node, SOCLE.localId, Literal(pub.id))]
    if pub.profile:
        triples.append((node, SOCLE.defaultProfile, Literal(pub.profile)))
    if pub.territory:
        triples.append((node, DCTERMS.spatial, URIRef(pub.territory)))
    if pub.kind:
        triples.append((node, SOCLE.territoryType, Literal(pub.kind)))
    if pub.population is not None:
        triples.append((node, SOCLE.population, Literal(pub.population)))
    store.apply([PutSubject(PUBLISHERS_GRAPH, pub.iri, triples)])


_SELECT = f"""PREFIX foaf: <{FOAF}> PREFIX socle: <{SOCLE}> PREFIX dct: <{DCTERMS}>
SELECT ?pub ?id ?name ?siren ?profile ?territory ?kind ?population WHERE {{
  GRAPH <{PUBLISHERS_GRAPH}> {{
  ?pub socle:localId ?id ; foaf:name ?name . OPTIONAL {{ ?pub dct:identifier ?siren }}
  OPTIONAL {{ ?pub socle:defaultProfile ?profile }} OPTIONAL {{ ?pub dct:spatial ?territory }}
  OPTIONAL {{ ?pub socle:territoryType ?kind }} OPTIONAL {{ ?pub socle:population ?population }}
  %s
}} }} ORDER BY ?id"""


def _row(row: dict[str, Node]) -> Publisher:
    siren, profile = row.get("siren"), row.get("profile")
    territory, kind, population = row.get("territory"), row.get("kind"), row.get("population")
    return Publisher(str(row["id"]), str(row["name"]), str(siren) if siren else None,
                     str(row["pub"]), str(profile) if profile else None,
                     str(territory) if territory else None, str(kind) if kind else None,
                     int(str(population)) if population is not None else None)


@overload
def get_publisher(store: Store, base_url: str, publisher_id: str,
                  required: Exactly[True] = True) -> Publisher: ...


@overload
def get_publisher(store: Store, base_url: str, publisher_id: str,
                  required: bool) -> Publisher | None: ...


def get_publisher(store: Store, base_url: str, publisher_id: str,
                  required: bool = True) -> Publisher | None:
    """The publisher; with `required` (the default) a missing one is a 404, never None."""
    rows = store.select(_SELECT % f"FILTER(?id = {Literal(publisher_id).n3()})")
    if rows:
        return _row(rows[0])
    if required:
        raise NotFound(f"Éditeur inconnu « {publisher_id} ».",
                       f"Unknown publisher '{publisher_id}'.")
    return None


def list_publishers(store: Store) -> list[Publisher]:
    return [_row(r) for r in store.select(_SELECT % "")]
