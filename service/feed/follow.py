"""Keeping the derived store current when other processes write to the same external store.

With an external store (several app processes, docs/scaling.md) a record written through
another process never reaches this process's observers. Every write leaves a generation marker
(and a tombstone per dropped graph) in the store, in the same update request
(store/sparql.py). Before a feed page the index reads the marker (one tiny query); when it
differs from the one the derived store last synced to (kept in the derived store, so shared
by the processes of one host), it re-reads only what changed since that sync, with a safety
margin for writes that were stamped before they committed: records whose dct:modified is
recent, tombstones, and writes another process began long ago and never finished (killed).
What any process of the host wrote into the derived store is then replayed from its change
log by `FeedIndex.follow` to this process's in-memory followers (the web search index).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from service.derived.store import STALE_PENDING, DerivedStore
from service.rdf.namespaces import DCTERMS, RECORDS_GRAPH, SOCLE

MARGIN = timedelta(seconds=30)
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

_CHANGED = f"""PREFIX socle: <{SOCLE}> PREFIX dct: <{DCTERMS}>
SELECT ?id WHERE {{ GRAPH <{RECORDS_GRAPH}> {{ ?rec socle:localId ?id ; dct:modified ?modified }}
  FILTER(?modified >= "%s"^^<{XSD_DATETIME}>) }}"""


class Follower:
    def __init__(self, store: Any, derived: DerivedStore, source: Any) -> None:
        self.store = store
        self.derived = derived
        self.source = source

    def sync(self) -> None:
        """Called under the index's lock before every read."""
        generation = self.store.generation()
        stale = self.derived.pending(STALE_PENDING)
        if (generation or "") == self.derived.meta("generation") and not stale:
            return
        started = datetime.now(UTC)
        synced = self.derived.meta("synced_at")
        ids = set(stale)
        if synced is not None:
            since = (datetime.fromisoformat(synced) - MARGIN).isoformat()
            ids.update(r["id"] for r in self.store.rows(_CHANGED % since))
            ids.update(self._ids_of(self.store.dropped_since(since)))
        self.derived.repair(self.source, sorted(ids))
        with self.derived.transaction() as db:
            self.derived.set_meta(db, "generation", generation or "")
            self.derived.set_meta(db, "synced_at", started.isoformat())

    def _ids_of(self, iris: list[str]) -> list[str]:
        if not iris:
            return []
        with self.derived.reading() as db:
            return [r[0] for r in db.execute(
                f"SELECT id FROM feed_records WHERE iri IN ({','.join('?' * len(iris))})",
                iris)]
