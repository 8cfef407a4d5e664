"""Keeping one process's feed index current when other processes write to the same store.

With an external store (several app processes, docs/scaling.md) a record written through
another process never reaches this process's observers. Every write leaves a generation marker
(and a tombstone per dropped graph) in the store, in the same update request
(store/sparql.py). Before a feed page the index reads the marker (one tiny query); when it
changed, it re-reads only what changed since its last look, with a safety margin for writes
that were stamped before they committed: records whose dct:modified is recent, and tombstones.
What it found is also returned, so that the index can tell its own followers (the web search
index) once its lock is released.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from service.rdf.namespaces import DCAT, DCTERMS, FOAF, RECORDS_GRAPH, SOCLE

MARGIN = timedelta(seconds=30)
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

_CHANGED = f"""PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX dct: <{DCTERMS}>
SELECT ?id ?iri ?pub ?issued ?modified WHERE {{ GRAPH <{RECORDS_GRAPH}> {{
  ?rec socle:localId ?id ; foaf:primaryTopic ?iri ; socle:publisherId ?pub ;
       dct:issued ?issued ; dct:modified ?modified }}
  FILTER(?modified >= "%s"^^<{XSD_DATETIME}>) }}"""
_VALUES = """SELECT ?iri ?v WHERE { VALUES ?iri { %s } GRAPH ?iri { ?iri <%s> ?v } }"""


@dataclass(frozen=True)
class _Meta:
    id: str
    iri: str
    publisher: str
    issued: str
    modified: str


class Follower:
    def __init__(self, store: Any) -> None:
        self.store = store
        self.seen: str | None = None
        self.synced_at: datetime | None = None

    def sync(self, index: Any) -> list[tuple]:
        """Called under the index's lock before every read. Returns the changes applied:
        ("deleted", id) and ("followed", meta, themes, keywords) tuples."""
        events: list[tuple] = []
        generation = self.store.generation()
        if generation == self.seen and self.synced_at is not None:
            return events
        started = datetime.now(UTC)
        if index._entries is None or self.synced_at is None:
            # Not built yet: the coming load reads the current state.
            self.seen, self.synced_at = generation, started
            return events
        since = (self.synced_at - MARGIN).isoformat()
        by_iri = {e.iri: e.id for e in index._entries}
        for iri in self.store.dropped_since(since):
            if iri in by_iri:
                index.record_deleted(by_iri[iri])
                events.append(("deleted", by_iri[iri]))
        rows = list(self.store.rows(_CHANGED % since))
        if rows:
            iris = " ".join(f"<{r['iri']}>" for r in rows)
            themes = self._values(iris, f"{DCAT}theme")
            keywords = self._values(iris, f"{DCAT}keyword")
            for r in rows:
                meta = _Meta(r["id"], r["iri"], r["pub"], r["issued"], r["modified"])
                index.record_written(meta, themes.get(r["iri"], ()), keywords.get(r["iri"], ()))
                events.append(("followed", meta, themes.get(r["iri"], ()),
                               keywords.get(r["iri"], ())))
        self.seen, self.synced_at = generation, started
        return events

    def _values(self, iris: str, predicate: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in self.store.rows(_VALUES % (iris, predicate)):
            out.setdefault(row["iri"], set()).add(row["v"])
        return out
