"""The feed's index in the derived store: per record its order key, publisher, themes,
keywords, modified stamp and N-Triples text as stored.

Records are ordered by creation (dct:issued, then id), which never changes (docs/feed.md).
Stamps are kept as UTC text of fixed width so that SQLite's text order is the order of the
instants (Oxigraph returns canonical forms such as "…00.12Z" whose strings do not sort).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from service.derived.protocol import Record


def parse_stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def sort_key(value: str) -> str:
    """A dateTime as fixed-width UTC text (naive stamps count as UTC)."""
    moment = parse_stamp(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


def canonical(value: str) -> str:
    """A dateTime in xsd canonical form (UTC "Z", no trailing zeros in the fraction), as
    Oxigraph returns it: a stamp written ("…48.010Z") and the same one read back from the store
    ("…48.01Z") are kept alike, so that a live index equals a rebuilt one."""
    moment = parse_stamp(value)
    if moment.tzinfo is None:
        return value
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


class FeedTable:
    """`DerivedIndex` "feed" (service/derived/protocol.py)."""

    name = "feed"
    schema = 1
    pure_write = True  # write only issues statements: a rebuild computes it in its readers

    def create(self, db: sqlite3.Connection) -> None:
        db.execute("""CREATE TABLE IF NOT EXISTS feed_records (
            id TEXT PRIMARY KEY, iri TEXT NOT NULL, publisher TEXT NOT NULL,
            issued TEXT NOT NULL, modified TEXT NOT NULL, okey TEXT NOT NULL,
            mkey TEXT NOT NULL, hash TEXT NOT NULL, text TEXT NOT NULL)""")
        db.execute("CREATE INDEX IF NOT EXISTS feed_order ON feed_records (okey, id)")
        db.execute("CREATE INDEX IF NOT EXISTS feed_by_publisher "
                   "ON feed_records (publisher, okey, id)")
        db.execute("CREATE INDEX IF NOT EXISTS feed_by_modified ON feed_records (mkey)")
        # kind: t = theme IRI, s = its last path segment, k = keyword (casefolded)
        db.execute("CREATE TABLE IF NOT EXISTS feed_values "
                   "(id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL)")
        db.execute("CREATE INDEX IF NOT EXISTS feed_values_lookup "
                   "ON feed_values (kind, value, id)")
        db.execute("CREATE INDEX IF NOT EXISTS feed_values_id ON feed_values (id)")

    def clear(self, db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM feed_records")
        db.execute("DELETE FROM feed_values")

    def write(self, db: sqlite3.Connection, records: Sequence[Record]) -> None:
        self.delete(db, [r.id for r in records])
        db.executemany(
            "INSERT INTO feed_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(r.id, r.iri, r.publisher, canonical(r.issued), canonical(r.modified),
              sort_key(r.issued),
              sort_key(r.modified), r.content_hash, r.text) for r in records])
        values = []
        for r in records:
            for theme in set(r.themes):
                values.append((r.id, "t", theme))
                values.append((r.id, "s", theme.rsplit("/", 1)[-1]))
            values.extend((r.id, "k", k) for k in {k.casefold() for k in r.keywords})
        db.executemany("INSERT INTO feed_values VALUES (?, ?, ?)", values)

    def delete(self, db: sqlite3.Connection, record_ids: Sequence[str]) -> None:
        ids = [(i,) for i in record_ids]
        db.executemany("DELETE FROM feed_records WHERE id = ?", ids)
        db.executemany("DELETE FROM feed_values WHERE id = ?", ids)

    def count(self, db: sqlite3.Connection) -> int:
        return int(db.execute("SELECT COUNT(*) FROM feed_records").fetchone()[0])
