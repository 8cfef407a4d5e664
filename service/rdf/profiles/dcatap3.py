"""``dcat-ap-3`` (the default): DCAT-AP 3.0.1 as data.gouv.fr and current harvesters read it.

Records are stored as DCAT-AP 3 already; this profile only undoes what storage changed and
makes the page self-contained for validators without background vocabularies:
- ``dcat:byteSize`` back to ``xsd:nonNegativeInteger`` (Oxigraph stores every integer as
  ``xsd:integer``);
- deprecated DCAT-AP 1.x period terms renamed (``schema:startDate`` → ``dcat:startDate``…);
- every vocabulary IRI referenced by the page typed with the class its property expects
  (``enrich.RANGES``) and labelled (``skos:prefLabel`` fr/en from ``vocab/``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from service.rdf.profiles.enrich import (
    DCAT,
    XSD,
    Rename,
    Retype,
    Table,
    apply_table,
    enrichment,
    non_negative_integer,
)

SCHEMA = "http://schema.org/"

TABLE = Table(properties={
    f"{DCAT}byteSize": Retype(f"{XSD}nonNegativeInteger", non_negative_integer),
    f"{SCHEMA}startDate": Rename(f"{DCAT}startDate"),
    f"{SCHEMA}endDate": Rename(f"{DCAT}endDate"),
})
_COMPILED = TABLE.compiled()


def normalise(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The record triples as DCAT-AP 3 terms, without the enrichment (for profiles built on
    this one)."""
    return apply_table(_COMPILED, triples)


def profile(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    out = normalise(triples)
    return out + enrichment(out)
