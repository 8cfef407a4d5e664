"""Publisher scores over time: one snapshot per publisher and day (the last of the day wins),
in the system graph `urn:socle:graph:quality-history`. Written by every rescore and link
check run; read by the publisher page's chart."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from service.rdf.namespaces import DCTERMS, SOCLE, XSD
from service.store import PutSubject, Store

HISTORY_GRAPH = "urn:socle:graph:quality-history"
_PUB = ox.NamedNode(str(SOCLE.publisherId))
_DATE = ox.NamedNode(str(DCTERMS.date))
_SCORE = ox.NamedNode(str(SOCLE.qualityScore))
_COUNT = ox.NamedNode(str(SOCLE.datasets))


def _node(publisher: str, day: str) -> str:
    return f"urn:socle:quality-history:{publisher}:{day}"


def snapshot(store: Store, scores: dict[str, tuple[float, int]], day: str | None = None
             ) -> None:
    """Record {publisher: (score, datasets)} for the day (today, UTC, by default)."""
    day = day or datetime.now(UTC).date().isoformat()
    changes = []
    for pub, (total, count) in sorted(scores.items()):
        node = ox.NamedNode(_node(pub, day))
        triples: list[Any] = [
            (node, _PUB, ox.Literal(pub)),
            (node, _DATE, ox.Literal(day, datatype=ox.NamedNode(str(XSD.date)))),
            (node, _SCORE, ox.Literal(f"{total:.2f}", datatype=ox.NamedNode(str(XSD.decimal)))),
            (node, _COUNT, ox.Literal(str(count), datatype=ox.NamedNode(str(XSD.integer)))),
        ]
        changes.append(PutSubject(HISTORY_GRAPH, node.value, triples))
    if changes:
        store.apply(changes)


def with_today(points: list[tuple[str, float, int]], score: float, datasets: int,
               day: str | None = None) -> list[tuple[str, float, int]]:
    """The series with today's point set to the score just computed: the stored point of the
    day may lag the last writes (the keeper snapshots at most once a minute)."""
    day = day or datetime.now(UTC).date().isoformat()
    kept = [p for p in points if p[0] != day]
    return [*kept, (day, round(score, 2), datasets)]


def series(store: Store, publisher: str) -> list[tuple[str, float, int]]:
    """(day, score, datasets) of a publisher, oldest first."""
    rows = store.select(f"""PREFIX s: <{SOCLE}> PREFIX dct: <{DCTERMS}>
        SELECT ?day ?score ?n WHERE {{ GRAPH <{HISTORY_GRAPH}> {{
          ?h s:publisherId {json.dumps(publisher)} ; dct:date ?day ; s:qualityScore ?score ;
             s:datasets ?n }} }} ORDER BY ?day""")
    return [(str(r["day"]), float(str(r["score"])), int(str(r["n"]))) for r in rows]
