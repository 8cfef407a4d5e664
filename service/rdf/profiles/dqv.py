"""``dcat-ap-3-dqv`` (feed only, never a default): the ``dcat-ap-3`` page plus each record's
MQA quality measurements as W3C DQV, as data.europa.eu publishes them.

The feed reads, for each record of the page, its own graph and its quality graph
(``graphs``); this transform shapes the record triples as ``dcat-ap-3`` does and keeps, of the
quality graph, only the public DQV statements (``rdf:type``, ``dqv:computedOn``,
``dqv:isMeasurementOf``, ``dqv:value``), linking each dataset to its measurements with
``dqv:hasQualityMeasurement``. Socle's bookkeeping in those graphs (the facts and counts a
rescore reads, local ids) stays out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from service.rdf.namespaces import QUALITY_GRAPH_PREFIX
from service.rdf.profiles import dcatap3

DQV = "http://www.w3.org/ns/dqv#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_KEPT = frozenset({_RDF_TYPE, f"{DQV}computedOn", f"{DQV}isMeasurementOf", f"{DQV}value"})
_COMPUTED_ON = f"{DQV}computedOn"
_HAS = ox.NamedNode(f"{DQV}hasQualityMeasurement")


def graphs(records: Sequence[tuple[str, str]]) -> list[str]:
    """Graphs to read for (record id, dataset IRI) pairs: each record's, then its scores'."""
    out = []
    for record_id, iri in records:
        out += [iri, f"{QUALITY_GRAPH_PREFIX}{record_id}"]
    return out


def profile(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    record: list[ox.Triple] = []
    measures: list[ox.Triple] = []
    for t in triples:
        subject = t.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(QUALITY_GRAPH_PREFIX):
            if t.predicate.value in _KEPT:
                measures.append(t)
                if t.predicate.value == _COMPUTED_ON:
                    measures.append(ox.Triple(t.object, _HAS, subject))  # type: ignore[arg-type]
        else:
            record.append(t)
    return dcatap3.profile(record) + measures
