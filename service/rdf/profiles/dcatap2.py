"""``dcat-ap-2.1.1``: what data.europa.eu normalises harvested metadata to.

Built on ``dcat-ap-3`` (as ckanext-dcat chains its profiles), then this mapping table for the
terms DCAT-AP 2.1.1 expresses differently or not at all. docs/harvesters.md explains each row.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from service.rdf.profiles import dcatap3
from service.rdf.profiles.enrich import (
    DCAT,
    DCATAP,
    DCT,
    OWL,
    SPDX,
    XSD,
    AlsoClass,
    Copy,
    Keep,
    KeepIfNode,
    Rename,
    Retype,
    Table,
    apply_table,
    decimal,
    enrichment,
)

TABLE = Table(
    properties={
        # 2.1.1 shapes: sh:datatype xsd:decimal (3.0: xsd:nonNegativeInteger).
        f"{DCAT}byteSize": Retype(f"{XSD}decimal", decimal),
        # 2.1.1 shapes: spdx:algorithm sh:hasValue spdx:checksumAlgorithm_sha1. Any other
        # algorithm cannot be expressed: the checksum (link and node) is not served.
        f"{SPDX}checksum": KeepIfNode(f"{SPDX}algorithm",
                                      frozenset({f"{SPDX}checksumAlgorithm_sha1"})),
        # DCAT 3 terms with a DCAT 2 equivalent: served under both (DCAT 3 declares them
        # sub-properties), so a 2.x harvester sees the link and nothing is lost.
        f"{DCAT}inSeries": Copy(f"{DCT}isPartOf"),
        f"{DCAT}hasVersion": Copy(f"{DCT}hasVersion"),
        f"{DCAT}isVersionOf": Copy(f"{DCT}isVersionOf"),
        # dcat:version has maxCount 1 in 3.0 and is unknown to 2.1.1, which uses owl:versionInfo.
        f"{DCAT}version": Rename(f"{OWL}versionInfo"),
        # DCAT-AP 3 only, no 2.1.1 equivalent, no 2.1.1 constraint: kept (data.europa.eu reads
        # the HVD terms whatever the DCAT-AP version; 2.x tools ignore unknown properties).
        f"{DCATAP}applicableLegislation": Keep(),
        f"{DCATAP}hvdCategory": Keep(),
        f"{DCAT}hasCurrentVersion": Keep(),
        f"{DCAT}previousVersion": Keep(),
        f"{DCAT}first": Keep(),
        f"{DCAT}last": Keep(),
        f"{DCAT}prev": Keep(),
    },
    classes={
        # DCAT 2 has no dataset series: a series is also served as the dcat:Dataset it is
        # (DCAT 3: DatasetSeries ⊑ Dataset) so that 2.x harvesters import it.
        f"{DCAT}DatasetSeries": AlsoClass(f"{DCAT}Dataset"),
    },
)
_COMPILED = TABLE.compiled()


def shape(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The record triples in this profile, without the enrichment (profiles.SHAPES)."""
    return apply_table(_COMPILED, dcatap3.normalise(triples))


def profile(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    out = shape(triples)
    return out + enrichment(out)
