"""Output profiles: how a stored record is shaped for a given consumer (DCAT-AP 3, DCAT-AP 2.1.1,
data.gouv.fr). Each profile is a function from a record's triples to the triples served."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox

from service.errors import SocleError
from service.rdf.profiles import datagouv, dcatap2, dcatap3, dqv

Transform = Callable[[Iterable[ox.Triple]], Iterable[ox.Triple]]
DEFAULT = "dcat-ap-3"


# One line per profile (name → transform); docs/harvesters.md describes each.
PROFILES: dict[str, Transform] = {
    "dcat-ap-3": dcatap3.profile,
    "dcat-ap-2.1.1": dcatap2.profile,
    "datagouv": datagouv.profile,
}


# Caching hook (service/derived/profiled.py): each profile above is its shaping of the
# triples, then the shared enrichment of the result (`enrich.enrichment`):
# PROFILES[name](t) == SHAPES[name](t) + enrichment(SHAPES[name](t)). The derived store keeps
# every record's shaping; a feed page adds the enrichment of the whole page (tests/derived
# check the equality for every profile).
SHAPES: dict[str, Transform] = {
    "dcat-ap-3": dcatap3.normalise,
    "dcat-ap-2.1.1": dcatap2.shape,
    "datagouv": datagouv.shape,
}


# Graphs to read from the store, besides the records themselves, for a page's
# (record id, dataset IRI) pairs.
Graphs = Callable[[Sequence[tuple[str, str]]], list[str]]


def no_graphs(records: Sequence[tuple[str, str]]) -> list[str]:
    return []


# Profiles of the feed only (`?profile=`, never a default): they read more than the records'
# own graphs, so a single record (GET /datasets/{id}?profile=) does not offer them.
FEED_ONLY: dict[str, tuple[Transform, Graphs]] = {
    "dcat-ap-3-dqv": (dqv.profile, dqv.graphs),
}


def feed_profile(name: str | None) -> tuple[Transform, Graphs]:
    """The feed's transform for `name` and the graphs it reads beside the records."""
    if name in FEED_ONLY:
        return FEED_ONLY[name]
    return get_profile(name), no_graphs


def get_profile(name: str | None) -> Transform:
    name = name or DEFAULT
    try:
        return PROFILES[name]
    except KeyError:
        raise SocleError(
            f"Profil inconnu « {name} » ; profils : {', '.join(sorted(PROFILES))}.",
            f"Unknown profile '{name}'; profiles: {', '.join(sorted(PROFILES))}.",
            parameter="profile",
        ) from None
