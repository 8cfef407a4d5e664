"""Keeping the derived store current when other processes write to the same external store.

With an external store (several app processes, docs/scaling.md) a record written through
another process never reaches this process's observers. Every write leaves a generation marker
(and a tombstone per dropped graph) in the store, in the same update request
(store/sparql.py). Before a feed page the index reads the marker (one tiny query); when it
differs from the one the derived store last synced to (kept in the derived store, so shared
by the processes of one host), it re-reads only what changed since that sync, with a safety
margin for writes that were stamped before they committed: records whose dct:modified is
recent, tombstones, and writes another process began long ago and never finished (killed).
What it found is returned, so that the index can tell its own followers (the in-memory search
index) once its lock is released.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from service.derived.store import STALE_PENDING, DerivedStore
from service.rdf.namespaces import DCTERMS, RECORDS_GRAPH, SOCLE

MARGIN = timedelta(seconds=30)
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

_CHANGED = f"""PREFIX socle: <{SOCLE}> PREFIX dct: <{DCTERMS}>
SELECT ?id WHERE {{ GRAPH <{RECORDS_GRAPH}> {{ ?rec socle:localId ?id ; dct:modified ?modified }}
  FILTER(?modified >= "%s"^^<{XSD_DATETIME}>) }}"""


@dataclass(frozen=True)
class _Meta:
    id: str
    iri: str
    publisher: str
    issued: str
    modified: str


class Follower:
    def __init__(self, store: Any, derived: DerivedStore, source: Any) -> None:
        self.store = store
        self.derived = derived
        self.source = source

    def sync(self) -> list[tuple]:
        """Called under the index's lock before every read. Returns the changes applied:
        ("deleted", id) and ("followed", meta, themes, keywords) tuples."""
        generation = self.store.generation()
        stale = self.derived.pending(STALE_PENDING)
        if (generation or "") == self.derived.meta("generation") and not stale:
            return []
        started = datetime.now(UTC)
        synced = self.derived.meta("synced_at")
        ids = set(stale)
        if synced is not None:
            since = (datetime.fromisoformat(synced) - MARGIN).isoformat()
            ids.update(r["id"] for r in self.store.rows(_CHANGED % since))
            ids.update(self._ids_of(self.store.dropped_since(since)))
        found, gone = self.derived.repair(self.source, sorted(ids))
        with self.derived.transaction() as db:
            self.derived.set_meta(db, "generation", generation or "")
            self.derived.set_meta(db, "synced_at", started.isoformat())
        events: list[tuple] = [("deleted", i) for i in gone]
        events.extend(("followed", _Meta(r.id, r.iri, r.publisher, r.issued, r.modified),
                       r.themes, r.keywords) for r in found)
        return events

    def _ids_of(self, iris: list[str]) -> list[str]:
        if not iris:
            return []
        with self.derived.reading() as db:
            return [r[0] for r in db.execute(
                f"SELECT id FROM feed_records WHERE iri IN ({','.join('?' * len(iris))})",
                iris)]
