"""The derived store: one SQLite file of indexes kept beside the RDF store, and its
consistency with it.

Where: `<store.files_dir>/derived.sqlite3` (the embedded store's directory, or the data
directory of an external store, shared by the app processes of one host); in memory for an
in-memory store. WAL journal: readers in other processes never wait for a writer.

Consistency with the RDF store (the truth), for a write that dies half way:
1. before the store write, the ids about to change are committed to `derived_pending`;
2. the store write;
3. one SQLite transaction updates every index and removes those pending rows.
A process killed between 1 and 3 leaves pending rows: `open` (every start) reloads those
records from the store and rewrites or deletes them, so each index again says what the store
says. A record count that differs from the store's at start (a store restored or written
without Socle) means the derived store cannot be trusted: it is rebuilt. Other processes'
writes on an external store are followed with the store's generation marker (`follow.py`).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from service.derived.protocol import DerivedIndex, Record
from service.derived.source import prepares, replay

FILE_NAME = "derived.sqlite3"
BATCH = 1000  # records per transaction in a rebuild
LOG_KEPT = 100_000  # change log entries kept for the processes that replay it
STALE_PENDING = 60.0  # seconds after which another process's pending write counts as dead
CACHE_KIB = 16 * 1024  # SQLite page cache of the connection, KiB (below)

Progress = Callable[[int, int | None], None]  # (records done, total or None)


class DerivedStore:
    """The SQLite connection every index shares, its transactions, and the pending-write
    log. Thread-safe: one connection behind a lock (SQLite answers an index read in
    microseconds; a page reads one slice)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        target = path or ":memory:"
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None,
                                   timeout=30.0)
        self.lock = threading.RLock()
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            # Durable against a killed process (what the pending log is for); a power loss
            # may lose the last commits, which the count check at start catches.
            self._db.execute("PRAGMA synchronous=NORMAL")
        # A feed page's rows are ~2 MB (N-Triples of 100 records): SQLite's default page
        # cache (2 MB) held less than one, so even a page asked again was read from the file
        # (docs/benchmarks.md, "Feed"). The cache grows to this bound as pages are read.
        self._db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        self._db.execute("CREATE TABLE IF NOT EXISTS derived_meta "
                         "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._db.execute("CREATE TABLE IF NOT EXISTS derived_pending "
                         "(id TEXT NOT NULL, at REAL NOT NULL, pid INTEGER NOT NULL)")
        # Which records changed, in order: processes that keep something in memory (the web
        # search index of each app process) replay it (`changes_since`). "*" = everything.
        self._db.execute("CREATE TABLE IF NOT EXISTS derived_log (seq INTEGER PRIMARY KEY "
                         "AUTOINCREMENT, id TEXT NOT NULL, deleted INTEGER NOT NULL)")
        self.indexes: list[DerivedIndex] = []
        self.checked = ""  # what this process's check at start did ("" = not yet)
        self._stale: set[str] = set()  # indexes whose schema changed: rebuild them

    @classmethod
    def for_store(cls, store: Any) -> DerivedStore:
        files = store.files_dir
        return cls(os.path.join(files, FILE_NAME) if files else None)

    # -- indexes -------------------------------------------------------------------------------
    def register(self, index: DerivedIndex) -> None:
        """Add an index: its tables are created; a changed schema marks it for rebuild."""
        with self.lock, self.transaction() as db:
            index.create(db)
            stored = self.meta(f"schema:{index.name}")
            if stored != str(index.schema):
                self._stale.add(index.name)
        self.indexes.append(index)

    def index(self, name: str) -> DerivedIndex:
        return next(i for i in self.indexes if i.name == name)

    # -- transactions --------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for a consistent read (one read transaction)."""
        with self.lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            finally:
                self._db.execute("COMMIT")

    def meta(self, key: str, db: sqlite3.Connection | None = None) -> str | None:
        row = (db or self._db).execute("SELECT value FROM derived_meta WHERE key = ?",
                                       (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT OR REPLACE INTO derived_meta (key, value) VALUES (?, ?)",
                   (key, value))

    def _bump(self, db: sqlite3.Connection, written: Sequence[str] = (),
              deleted: Sequence[str] = ()) -> None:
        """Every write changes the version (feed ETags, other processes' caches) and is
        logged."""
        version = int(self.meta("version", db) or 0) + 1
        self.set_meta(db, "version", str(version))
        self.set_meta(db, "changed_at", str(time.time()))
        db.executemany("INSERT INTO derived_log (id, deleted) VALUES (?, ?)",
                       [(i, 0) for i in written] + [(i, 1) for i in deleted])
        if version % 1000 == 0:
            db.execute("DELETE FROM derived_log WHERE seq < (SELECT MAX(seq) FROM derived_log)"
                       " - ?", (LOG_KEPT,))

    def last_seq(self) -> int:
        with self.lock:
            return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM derived_log")
                       .fetchone()[0])

    def changes_since(self, seq: int) -> tuple[int, list[tuple[str, bool]]]:
        """(newest seq, [(record id, deleted)]) logged after seq; [("*", False)] when the log
        no longer reaches back that far (everything may have changed)."""
        with self.reading() as db:
            rows = db.execute("SELECT seq, id, deleted FROM derived_log WHERE seq > ? "
                              "ORDER BY seq", (seq,)).fetchall()
            oldest = db.execute("SELECT MIN(seq) FROM derived_log").fetchone()[0]
        if not rows:
            return seq, []
        if oldest is not None and oldest > seq + 1 and seq > 0:
            return rows[-1][0], [("*", False)]
        return rows[-1][0], [(r[1], bool(r[2])) for r in rows]

    # -- the write path ------------------------------------------------------------------------
    def begin(self, record_ids: Iterable[str]) -> None:
        """Step 1: log the records about to change (committed before the store write)."""
        now, pid = time.time(), os.getpid()
        with self.transaction() as db:
            db.executemany("INSERT INTO derived_pending (id, at, pid) VALUES (?, ?, ?)",
                           [(i, now, pid) for i in record_ids])

    def written(self, records: Sequence[Record],
                prepared: Mapping[str, Sequence[Any]] | None = None) -> None:
        """Step 3: every index takes the records; their pending rows go. ``prepared``: by
        index name, what its `prepare` made of each record where the record was prepared
        (an import's worker processes: service/derived/ahead.py)."""
        with self.transaction() as db:
            for index in self.indexes:
                write_index(db, index, records, prepared or {})
            self._done(db, [r.id for r in records])
            self._bump(db, written=[r.id for r in records])

    def deleted(self, record_ids: Sequence[str]) -> None:
        with self.transaction() as db:
            for index in self.indexes:
                index.delete(db, record_ids)
            self._done(db, record_ids)
            self._bump(db, deleted=record_ids)

    def _done(self, db: sqlite3.Connection, record_ids: Sequence[str]) -> None:
        pid = os.getpid()
        db.executemany("DELETE FROM derived_pending WHERE id = ? AND pid = ?",
                       [(i, pid) for i in record_ids])

    # -- consistency ---------------------------------------------------------------------------
    def pending(self, older_than: float | None = None) -> list[str]:
        """Ids of writes begun and not finished (by any process, or only those older than
        `older_than` seconds)."""
        sql = "SELECT DISTINCT id FROM derived_pending"
        args: tuple[Any, ...] = ()
        if older_than is not None:
            sql, args = sql + " WHERE at < ?", (time.time() - older_than,)
        with self.lock:
            return [r[0] for r in self._db.execute(sql, args)]

    def repair(self, source: Any, record_ids: Sequence[str]) -> tuple[list[Record], list[str]]:
        """Rewrite these records as the store has them now, deleting those it has not.
        Returns (records rewritten, ids deleted)."""
        if not record_ids:
            return [], []
        found = list(source.records(record_ids))
        gone = sorted(set(record_ids) - {r.id for r in found})
        with self.transaction() as db:
            for index in self.indexes:
                if found:
                    index.write(db, found)
                if gone:
                    index.delete(db, gone)
            db.executemany("DELETE FROM derived_pending WHERE id = ?",
                           [(i,) for i in record_ids])
            self._bump(db, [r.id for r in found], gone)
        return found, gone

    def built(self) -> bool:
        return self.meta("built") == "1" and not self._stale

    def check(self, source: Any, progress: Progress | None = None,
              stale_after: float | None = None) -> str:
        """At start: rebuild when never built (or an index's schema changed, or the counts
        differ), else repair the interrupted writes. Returns what it did."""
        if not self.built():
            self.rebuild(source, progress)
            return "rebuilt"
        pending = self.pending(stale_after)
        self.repair(source, pending)
        if source.count() != self.count():
            self.rebuild(source, progress)
            return "rebuilt"
        return f"repaired {len(pending)}" if pending else "ok"

    def ensure(self, source: Any, progress: Progress | None = None) -> str:
        """`check` once per process (before the first read or write), one process of the host
        at a time (they share the file)."""
        if self.checked:
            return self.checked
        with self.lock:
            if not self.checked:
                with _exclusive(self.path):
                    self.checked = self.check(source, progress)
        return self.checked

    def recheck(self) -> None:
        """Check again before the next read or write (the store changed behind us)."""
        with self.lock:
            self.checked = ""

    def count(self) -> int:
        """Records the derived store holds (the `count` hook of the first index)."""
        counter = getattr(self.indexes[0], "count", None) if self.indexes else None
        with self.lock:
            return int(counter(self._db)) if counter else -1

    def rebuild(self, source: Any, progress: Progress | None = None) -> int:
        """Every index cleared and refilled from the store (`socle reindex`)."""
        total = source.count()
        done = 0
        with self.transaction() as db:
            self.set_meta(db, "built", "0")
            # Other processes' writes (external store) are followed from here on.
            self.set_meta(db, "synced_at", datetime.now(UTC).isoformat())
            db.execute("DELETE FROM derived_meta WHERE key = 'generation'")
            for index in self.indexes:
                index.clear(db)
            db.execute("DELETE FROM derived_pending")
        if progress:
            progress(0, total)
        for chunk, ahead in _chunks(source, self.indexes):
            with self.transaction() as db:
                for index in self.indexes:
                    write_index(db, index, chunk, ahead)
            done += len(chunk)
            if progress:
                progress(done, total)
        with self.transaction() as db:
            for index in self.indexes:
                self.set_meta(db, f"schema:{index.name}", str(index.schema))
            self.set_meta(db, "built", "1")
            self._bump(db, written=["*"])
        self._stale.clear()
        return done

    def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every index's table, sorted: what tests compare (a live store against
        one rebuilt from the RDF store)."""
        with self.reading() as db:
            # An index with surrogate keys or FTS5 segments (search) gives its own canonical
            # rows: its tables' raw rows depend on the order of the writes.
            out: dict[str, list[tuple]] = {}
            own: list[str] = []
            for index in self.indexes:
                hook = getattr(index, "snapshot", None)
                if hook is not None:
                    out.update(hook(db))
                    own.append(f"{index.name}_")
            names = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'derived_%' AND name NOT LIKE 'sqlite_%'")
                if not r[0].startswith(tuple(own))]
            out.update({n: sorted(db.execute(f"SELECT * FROM {n}").fetchall()) for n in names})
            return out

    def close(self) -> None:
        with self.lock:
            self._db.close()


def write_index(db: sqlite3.Connection, index: DerivedIndex, records: Sequence[Record],
                ahead: Mapping[str, Any]) -> None:
    """The index writes these records: what was made of them ahead (by a rebuild's reader
    processes or an import's workers: source.py, ahead.py), else from the records."""
    if index.name not in ahead:
        index.write(db, records)
    elif prepares(index):  # its prepare's items
        index.write_prepared(db, records, ahead[index.name])  # type: ignore[attr-defined]
    else:  # its statements, recorded by a reader process
        replay(db, ahead[index.name])


def _chunks(source: Any, indexes: Sequence[DerivedIndex]
            ) -> Iterator[tuple[list[Record], dict[str, Any]]]:
    """Chunks of records and the statements of the indexes computed ahead, when the source
    can (StoreSource.chunks); else the records alone."""
    if hasattr(source, "chunks"):
        yield from source.chunks(BATCH, indexes)
    else:
        for chunk in source.all_records(BATCH):
            yield chunk, {}


class _exclusive:
    """An advisory lock beside the derived store's file (nothing for an in-memory one)."""

    def __init__(self, path: str | None) -> None:
        self.path = f"{path}.lock" if path else None
        self.fd: int | None = None

    def __enter__(self) -> None:
        if self.path:
            self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None
