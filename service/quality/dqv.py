"""A record's score as W3C DQV, the way data.europa.eu publishes MQA results: one
`dqv:QualityMeasurement` per indicator, `dqv:computedOn` the dataset, `dqv:isMeasurementOf`
the indicator's `dqv:Metric`, `dqv:value` the points earned; plus one for the total score.

Each record's measurements live in their own named graph (`urn:socle:graph:quality:{id}`),
so the SPARQL endpoint (whose default graph is the union of all graphs) answers questions
such as "datasets of publisher X losing the licence points" without reading anything else,
and a rescore replaces one small graph. The score measurement also carries what a rescore needs
without re-reading the record: the counts per indicator and the record's facts, as JSON.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from service.quality.facts import Facts
from service.quality.indicators import DIMENSION_LABELS, DIMENSIONS, INDICATORS, MAXIMUM, band
from service.quality.score import Score, compact_points
from service.rdf.namespaces import QUALITY_GRAPH_PREFIX, RDF, SKOS, SOCLE, XSD

DQV = "http://www.w3.org/ns/dqv#"
MQA = "https://socle.opendata.fr/ns/mqa#"  # Socle's metrics, named after piveau's MQA ones
METRICS_GRAPH = "urn:socle:graph:quality-metrics"
RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"


def graph_name(record_id: str) -> str:
    return f"{QUALITY_GRAPH_PREFIX}{record_id}"


class _N:
    type = ox.NamedNode(str(RDF.type))
    Measurement = ox.NamedNode(DQV + "QualityMeasurement")
    Metric = ox.NamedNode(DQV + "Metric")
    Dimension = ox.NamedNode(DQV + "Dimension")
    inDimension = ox.NamedNode(DQV + "inDimension")
    computedOn = ox.NamedNode(DQV + "computedOn")
    isMeasurementOf = ox.NamedNode(DQV + "isMeasurementOf")
    value = ox.NamedNode(DQV + "value")
    expectedDataType = ox.NamedNode(DQV + "expectedDataType")
    prefLabel = ox.NamedNode(str(SKOS.prefLabel))
    definition = ox.NamedNode(str(SKOS.definition))
    localId = ox.NamedNode(str(SOCLE.localId))
    publisherId = ox.NamedNode(str(SOCLE.publisherId))
    band = ox.NamedNode(str(SOCLE.qualityBand))
    detail = ox.NamedNode(str(SOCLE.qualityDetail))
    facts = ox.NamedNode(str(SOCLE.qualityFacts))
    maximum = ox.NamedNode(str(SOCLE.maximumPoints))
    decimal = ox.NamedNode(str(XSD.decimal))
    integer = ox.NamedNode(str(XSD.integer))
    dateTime = ox.NamedNode(str(XSD.dateTime))
    json = ox.NamedNode(RDF_JSON)
    score = ox.NamedNode(MQA + "score")


_NONE = [0, 1, 0]  # counts of an indicator missing from stored JSON (Score.from_compact)
_DECIMAL = f'^^<{XSD}decimal>'
_JSON = f"^^<{RDF_JSON}>"
_TYPE, _MEASUREMENT = str(_N.type), str(_N.Measurement)
_ON, _OF, _VALUE = str(_N.computedOn), str(_N.isMeasurementOf), str(_N.value)
_SCORE, _BAND, _DETAIL, _FACTS = str(_N.score), str(_N.band), str(_N.detail), str(_N.facts)
_LOCAL, _PUBLISHER = str(_N.localId), str(_N.publisherId)


def _decimal(value: float) -> str:
    return f'"{value:.2f}"{_DECIMAL}'


def _text(value: str, suffix: str = "") -> str:
    return str(ox.Literal(value)) + suffix


def measurement_lines(record_id: str, publisher_id: str, dataset_iri: str, score: Score,
                      facts_json: str) -> list[str]:
    """The record's DQV graph as N-Triples lines (no final " ."), printed directly: written
    as text, a scoring of 10^5 records builds no term objects."""
    base = graph_name(record_id)
    dataset = f"<{dataset_iri}>"
    main = f"<{base}#score>"
    lines = [
        f"{main} {_TYPE} {_MEASUREMENT}", f"{main} {_ON} {dataset}",
        f"{main} {_OF} {_SCORE}", f"{main} {_LOCAL} {_text(record_id)}",
        f"{main} {_PUBLISHER} {_text(publisher_id)}",
        *changing_lines(record_id, score, facts_json).values(),
    ]
    for result in score.results:
        m = f"<{base}#{result.indicator.id}>"
        lines += [f"{m} {_TYPE} {_MEASUREMENT}", f"{m} {_ON} {dataset}",
                  f"{m} {_OF} <{MQA}{result.indicator.id}>"]
    return lines


def changing_lines(record_id: str, score: Score, facts_json: str) -> dict[str, str]:
    """The lines a rescore may change, by what they say: each indicator's value, the total,
    the band, the counts and the facts. A rescore rewrites only those that differ."""
    base = graph_name(record_id)
    main = f"<{base}#score>"
    detail = detail_json(score)
    out = {"score": f"{main} {_VALUE} {_decimal(score.total)}",
           "band": f"{main} {_BAND} {_text(score.band)}",
           "detail": f"{main} {_DETAIL} {_text(detail, _JSON)}",
           "facts": f"{main} {_FACTS} {_text(facts_json, _JSON)}"}
    for result in score.results:
        out[result.indicator.id] = (f"<{base}#{result.indicator.id}> {_VALUE} "
                                    f"{_decimal(result.points)}")
    return out


def changed_lines(record_id: str, old_detail: str, old_facts_json: str, new: Score,
                  new_facts_json: str) -> tuple[list[str], list[str]]:
    """(lines to delete, lines to insert): those of `changing_lines` that differ between the
    stored score (its counts as stored, `detail_json`) and the new one. Only the lines that
    may differ are printed (an indicator whose counts did not change keeps its value line):
    a link check changes a few of them, and a rescore compares 10^5 records."""
    base = graph_name(record_id)
    main = f"<{base}#score>"
    gone: list[str] = []
    added: list[str] = []
    counts = json.loads(old_detail)
    was, total = compact_points(counts)
    total_old, total_new = _decimal(total), _decimal(new.total)
    if total_old != total_new:
        gone.append(f"{main} {_VALUE} {total_old}")
        added.append(f"{main} {_VALUE} {total_new}")
    band_old, band_new = band(total), new.band
    if band_old != band_new:
        gone.append(f"{main} {_BAND} {_text(band_old)}")
        added.append(f"{main} {_BAND} {_text(band_new)}")
    detail_new = detail_json(new)
    if old_detail != detail_new:
        gone.append(f"{main} {_DETAIL} {_text(old_detail, _JSON)}")
        added.append(f"{main} {_DETAIL} {_text(detail_new, _JSON)}")
    if old_facts_json != new_facts_json:
        gone.append(f"{main} {_FACTS} {_text(old_facts_json, _JSON)}")
        added.append(f"{main} {_FACTS} {_text(new_facts_json, _JSON)}")
    for r in new.results:
        key = r.indicator.id
        stored = counts.get(key, _NONE)
        if stored[0] == r.passed and stored[1] == r.population:
            continue  # same counts, same points
        value_old, value_new = _decimal(was[key]), _decimal(r.points)
        if value_old != value_new:
            gone.append(f"<{base}#{key}> {_VALUE} {value_old}")
            added.append(f"<{base}#{key}> {_VALUE} {value_new}")
    return gone, added


def detail_json(score: Score) -> str:
    """The counts as JSON, in table order (json.dumps costs more, at 10^5 records)."""
    return "{" + ",".join(f'"{r.indicator.id}":[{r.passed},{r.population},{r.unchecked}]'
                          for r in score.results) + "}"


def facts_json(facts: Facts) -> str:
    return json.dumps(facts.to_json(), separators=(",", ":"), ensure_ascii=False)


def metric_triples() -> list[tuple]:
    """The dqv:Metric and dqv:Dimension definitions, labelled in French and English."""
    out: list[tuple] = []
    for dim in DIMENSIONS:
        d = ox.NamedNode(MQA + dim)
        fr, en = DIMENSION_LABELS[dim]
        out += [(d, _N.type, _N.Dimension), (d, _N.prefLabel, ox.Literal(fr, language="fr")),
                (d, _N.prefLabel, ox.Literal(en, language="en"))]
    for ind in INDICATORS:
        m = ox.NamedNode(MQA + ind.id)
        out += [(m, _N.type, _N.Metric), (m, _N.inDimension, ox.NamedNode(MQA + ind.dimension)),
                (m, _N.prefLabel, ox.Literal(ind.label_fr, language="fr")),
                (m, _N.prefLabel, ox.Literal(ind.label_en, language="en")),
                (m, _N.definition, ox.Literal(ind.fix_fr, language="fr")),
                (m, _N.definition, ox.Literal(ind.fix_en, language="en")),
                (m, _N.expectedDataType, _N.decimal),
                (m, _N.maximum, ox.Literal(str(ind.points), datatype=_N.integer))]
    s = _N.score
    out += [(s, _N.type, _N.Metric),
            (s, _N.prefLabel, ox.Literal("Score de qualité MQA", language="fr")),
            (s, _N.prefLabel, ox.Literal("MQA quality score", language="en")),
            (s, _N.expectedDataType, _N.decimal),
            (s, _N.maximum, ox.Literal(str(MAXIMUM), datatype=_N.integer))]
    return out
