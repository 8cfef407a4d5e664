"""The feed's order index, read from the derived store (service/derived/feed.py).

Why not SPARQL: `ORDER BY … OFFSET n` costs seconds per deep page on Oxigraph at 100k records.
Why not in memory any more: rebuilt at every start it took ~30 s and hundreds of MB per process
at 100k records (issue 18). Records are ordered by creation (dct:issued, then id), which never
changes: a record created while a harvester pages appears on the last page, an update keeps
its place, and only a deletion shifts later records by one (docs/feed.md says what a harvester
may then see). A page is one slice of the order plus the records' stored N-Triples texts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from service.derived.feed import parse_stamp, sort_key
from service.derived.source import StoreSource
from service.derived.store import DerivedStore, Progress
from service.feed.assemble import Stored

__all__ = ["Entry", "FeedIndex", "Filters", "Snapshot", "parse_stamp"]

ANCHOR_STEP = 1000


@dataclass(frozen=True)
class Entry:
    issued: str
    id: str
    iri: str
    publisher: str
    modified: str
    themes: frozenset[str] = field(default_factory=frozenset)
    keywords: frozenset[str] = field(default_factory=frozenset)
    text: str = ""  # the record's graph as N-Triples (page entries only)
    stored: Stored | None = None  # its output in the page's profile (stored profiles only)


@dataclass(frozen=True)
class Filters:
    publisher: str | None = None
    theme: str | None = None
    keyword: str | None = None
    modified_since: datetime | None = None

    def where(self) -> tuple[str, list[str]]:
        """SQL conditions on feed_records and their arguments."""
        parts: list[str] = []
        args: list[str] = []
        if self.publisher:
            parts.append("publisher = ?")
            args.append(self.publisher)
        if self.theme:
            parts.append("id IN (SELECT id FROM feed_values WHERE kind IN ('t', 's') "
                         "AND value = ?)")
            args.append(self.theme)
        if self.keyword:
            parts.append("id IN (SELECT id FROM feed_values WHERE kind = 'k' AND value = ?)")
            args.append(self.keyword.casefold())
        if self.modified_since:
            parts.append("mkey >= ?")
            args.append(sort_key(self.modified_since.isoformat()))
        return (" WHERE " + " AND ".join(parts)) if parts else "", args


@dataclass(frozen=True)
class Snapshot:
    entries: list[Entry]
    total: int
    version: int
    changed_at: datetime
    last_modified: str | None  # newest dct:modified of any record (the catalogue's)


class FeedIndex:
    """Pages of the feed from the derived store, which it checks against the RDF store once
    per process (`warm`, or the first read)."""

    def __init__(self, store: Any, derived: DerivedStore) -> None:
        self._store = store
        self.derived = derived
        self.source = StoreSource(store)
        self._lock = threading.RLock()
        self.last_check = ""
        self.progress: Progress | None = None
        self._totals: dict[tuple[str, Filters], int] = {}
        # (version, filters) -> the order key at positions ANCHOR_STEP, 2 × ANCHOR_STEP… (_slice)
        self._anchors: dict[tuple[str, Filters], list[tuple[str, str]]] = {}
        self.started_at = datetime.now(UTC).replace(microsecond=0)
        # External store: other processes write too; follow their writes (feed/follow.py).
        self._follower = None
        if store.remote:
            from service.feed.follow import Follower

            self._follower = Follower(store, derived, self.source)
        self._seq = derived.last_seq()  # the change log replayed to followers from here
        # Observers told of the other processes' writes found (the in-memory search index).
        self.followers: list[Any] = []
        table = next((i for i in derived.indexes if i.name == "profiled"), None)
        self._stored: frozenset[str] = frozenset(getattr(table, "profiles", ()))

    # -- consistency ---------------------------------------------------------------------------
    def warm(self) -> None:
        """Check the derived store now (serve starts this in the background): repair writes a
        killed process left half done, or build it when missing."""
        self._ensure()

    def _ensure(self) -> None:
        self.last_check = self.derived.ensure(self.source, self.progress)

    def invalidate(self) -> None:
        """Something wrote around the records (an admin command run by the server): check the
        derived store against the store again on the next read (a restore also marks it for
        rebuild: service/derived/registry.mark_stale)."""
        self.derived.recheck()

    def follow(self) -> None:
        """External store: catch up with the other processes' writes (follow.py), then replay
        the derived store's change log to `followers` (outside the lock: they may read this
        index while they update themselves)."""
        if self._follower is None:
            return
        self._ensure()
        with self._lock:
            self._follower.sync()
            if not self.followers:
                return
            self._seq, changes = self.derived.changes_since(self._seq)
        if not changes:
            return
        if ("*", False) in changes:
            for observer in self.followers:
                observer.invalidate()
            return
        events = self._events(changes)
        for observer in self.followers:  # record_deleted(id), record_followed(meta, ...)
            for kind, *args in events:
                getattr(observer, f"record_{kind}")(*args)

    def _events(self, changes: list[tuple[str, bool]]) -> list[tuple]:
        latest = dict(changes)  # the last change of each record counts
        alive = [i for i, deleted in latest.items() if not deleted]
        found = {e.id: e for e in self._entries_of(alive)}
        events: list[tuple] = []
        for record_id in latest:
            entry = found.get(record_id)
            if entry is None:
                events.append(("deleted", record_id))
            else:
                events.append(("followed", entry, entry.themes, entry.keywords))
        return events

    # -- kept current by service/derived/observer.py; these stay for RecordObserver callers --
    def record_written(self, meta: Any, themes: Any, keywords: Any) -> None:
        """Nothing: the derived store's writer observer updates the table."""

    def record_deleted(self, record_id: str) -> None:
        """Nothing: as record_written."""

    # -- reading -------------------------------------------------------------------------------
    def stores(self, profile: str) -> bool:
        """Whether the derived store keeps every record's output in this profile."""
        return profile in self._stored

    def page(self, filters: Filters, start: int, size: int,
             profile: str | None = None, turtle: bool = False) -> Snapshot:
        """One page of the entries matching filters, read in one SQLite read transaction;
        with `profile` (one `stores` says yes to), the records' stored output in it instead
        of their texts: their Turtle blocks if `turtle`, else their N-Triples lines."""
        self.follow()
        self._ensure()
        where, args = filters.where()
        with self.derived.reading() as db:
            version = self.derived.meta("version", db) or "0"
            total = self._totals.get((version, filters))
            if total is None:
                total = db.execute(f"SELECT COUNT(*) FROM feed_records{where}",
                                   args).fetchone()[0]
                if len(self._totals) > 256:
                    self._totals.clear()
                self._totals[(version, filters)] = total
            ids = self._slice(db, (version, filters), where, args, start, size)
            marks = ",".join("?" * len(ids))
            if profile is None:
                rows = {r[1]: r for r in db.execute(
                    "SELECT issued, id, iri, publisher, modified, text FROM feed_records "
                    f"WHERE id IN ({marks})", ids)} if ids else {}
            else:
                rows = {r[1]: r for r in db.execute(
                    "SELECT f.issued, f.id, f.iri, f.publisher, f.modified, '', f.iri, "
                    "p.services, p.links, p.labelled, p.extra, "
                    + ("'', '', x'', x'', x'', t.turtle " if turtle else
                       "p.solo_subjects, p.shared_subjects, p.shared, p.solo, p.own, x'' ")
                    + "FROM feed_records f "
                    "LEFT JOIN profiled_records p ON p.profile = ? AND p.id = f.id "
                    + ("LEFT JOIN profiled_turtle t ON t.profile = p.profile AND t.id = f.id "
                       if turtle else "")
                    + f"WHERE f.id IN ({marks})", [profile, *ids])} if ids else {}
            newest = db.execute("SELECT modified FROM feed_records ORDER BY mkey DESC "
                                "LIMIT 1").fetchone()
            changed = self.derived.meta("changed_at", db)
        # A record without a stored output (none expected) gets stored=None: the view then
        # builds the page from the texts.
        entries = [Entry(r[0], r[1], r[2], r[3], r[4], text=r[5],
                         stored=Stored(*r[6:]) if len(r) > 6 and None not in r[7:] else None)
                   for r in (rows[i] for i in ids)]
        changed_at = (datetime.fromtimestamp(float(changed), UTC).replace(microsecond=0)
                      if changed else self.started_at)
        return Snapshot(entries, int(total), int(version), changed_at,
                        newest[0] if newest else None)

    def _slice(self, db: Any, key: tuple[str, Filters], where: str, args: list[str],
               start: int, size: int) -> list[str]:
        """The ids at positions start… of the order, from the covering order index. OFFSET
        steps through index entries one by one (milliseconds at page 1,000 of 100,000), so a
        deep page starts from the nearest anchor below it: the (okey, id) key at every
        `ANCHOR_STEP`-th position, found once per version and filters, each from the one
        before."""
        step = start // ANCHOR_STEP
        if step == 0:
            return [r[0] for r in db.execute(
                f"SELECT id FROM feed_records{where} ORDER BY okey, id LIMIT ? OFFSET ?",
                [*args, size, start])]
        conds = where.replace(" WHERE ", " AND ", 1)
        after = f"SELECT {{}} FROM feed_records WHERE (okey, id) >= (?, ?){conds} " \
                "ORDER BY okey, id LIMIT ? OFFSET ?"
        with self._lock:  # threads extend one list
            if len(self._anchors) > 64 and key not in self._anchors:
                self._anchors.clear()
            anchors = self._anchors.setdefault(key, [])
            while len(anchors) < step:
                if anchors:
                    row = db.execute(after.format("okey, id"),
                                     [*anchors[-1], *args, 1, ANCHOR_STEP]).fetchone()
                else:
                    row = db.execute(f"SELECT okey, id FROM feed_records{where} "
                                     "ORDER BY okey, id LIMIT 1 OFFSET ?",
                                     [*args, ANCHOR_STEP]).fetchone()
                if row is None:  # past the end
                    return []
                anchors.append(tuple(row))
            anchor = anchors[step - 1]
        return [r[0] for r in db.execute(after.format("id"),
                                         [*anchor, *args, size, start - step * ANCHOR_STEP])]

    def entries(self) -> list[Entry]:
        """Every record's facts with themes and keywords, in feed order (the in-memory search
        index reads them)."""
        self.follow()
        self._ensure()
        return self._entries_of(None)

    def known_iris(self, iris: set[str]) -> set[str]:
        """Which of ``iris`` are the dataset IRIs of records in the feed (any page)."""
        if not iris:
            return set()
        self.follow()
        self._ensure()
        wanted = sorted(iris)
        with self.derived.reading() as db:
            return {r[0] for r in db.execute(
                f"SELECT iri FROM feed_records WHERE iri IN ({','.join('?' * len(wanted))})",
                wanted)}

    def _entries_of(self, ids: list[str] | None) -> list[Entry]:
        where, args = "", list(ids or [])
        if ids is not None:
            if not ids:
                return []
            where = f" WHERE id IN ({','.join('?' * len(ids))})"
        values: dict[str, tuple[set[str], set[str]]] = {}
        with self.derived.reading() as db:
            for rid, kind, value in db.execute(
                    "SELECT id, kind, value FROM feed_values WHERE kind IN ('t', 'k')"
                    + where.replace(" WHERE", " AND"), args):
                themes, keywords = values.setdefault(rid, (set(), set()))
                (themes if kind == "t" else keywords).add(value)
            rows = db.execute("SELECT issued, id, iri, publisher, modified FROM feed_records"
                              f"{where} ORDER BY okey, id", args).fetchall()
        empty: tuple[set[str], set[str]] = (set(), set())
        return [Entry(r[0], r[1], r[2], r[3], r[4],
                      themes=frozenset(values.get(r[1], empty)[0]),
                      keywords=frozenset(values.get(r[1], empty)[1])) for r in rows]
