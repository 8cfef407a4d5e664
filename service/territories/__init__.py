"""Territories: the registry of French local authorities (communes, EPCI, départements,
régions) shipped in vocab/, publishers by SIREN, spatial coverage, the obligation dashboard.

The public entry points other modules use (docs/territories.md):
- ``resolve(text) -> Resolution`` and ``resolve_one(text) -> Territory``: a place typed by a
  curator (name or code) → its INSEE IRI and label;
- ``registry()``: the loaded registry (lookups by SIREN, INSEE code, IRI, name);
- ``spatial_labels(iri)``: the labels a feed gives a ``dct:spatial`` INSEE IRI.
"""

from service.territories.registry import Registry, Territory, registry
from service.territories.resolve import Resolution, resolve, resolve_one


def spatial_labels(iri: str) -> tuple[str, ...]:
    """The French name of the territory an INSEE IRI names (empty when unknown)."""
    if not iri.startswith("http://id.insee.fr/geo/"):
        return ()
    t = registry().by_iri(iri)
    return (t.name,) if t is not None else ()


__all__ = ["Registry", "Resolution", "Territory", "registry", "resolve", "resolve_one",
           "spatial_labels"]
