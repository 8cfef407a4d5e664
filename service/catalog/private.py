"""Non-public records (drafts and quarantined records), kept OUT of the RDF store.

Why outside the store: the feed, search and the SPARQL endpoint read the store's union graph,
so a record that is not there cannot leak through any of them, whatever query or read model
is added later (by construction, not by a filter each reader must remember). The private
area is one SQLite file beside the store (``files_dir``, like token digests and curator
accounts): every app process of one instance shares it (SQLite's own file locking), and
it works the same whatever the store (embedded Oxigraph, an Oxigraph server, Virtuoso). A
store without a directory (tests' in-memory stores) keeps it in memory.

Each row is one record: its local id, dataset IRI, publisher, status (``draft``: saved by a
curator, not published yet; ``quarantine``: harvested or imported and still violating after
repair), its graph as the one write pipeline prepared it (N-Triples), its identifiers, its
validation report and the repairs applied. The writer (``writer.py``) looks records up here as
well as in the store, so a private record's id, IRI and identifiers stay reserved to its
publisher; publishing writes the graph through the same pipeline with strict validation, then
removes the row.

A record moving between this area and the store is logged in ``private_move`` first, so a
process killed between the two steps leaves a row that the next writer resolves from the store
(``moves.py``): the record ends in exactly one place.
"""

from __future__ import annotations

import builtins
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import pyoxigraph as ox

from service.catalog.bookkeeping import RecordMeta
from service.rdf.namespaces import DCTERMS

FILE = "socle-private.sqlite"
STATUSES = ("draft", "quarantine")
_IDENTIFIER = ox.NamedNode(str(DCTERMS.identifier))
_SCHEMA = """
CREATE TABLE IF NOT EXISTS private_record (
  id TEXT PRIMARY KEY, iri TEXT NOT NULL UNIQUE, publisher TEXT NOT NULL,
  status TEXT NOT NULL, issued TEXT NOT NULL, modified TEXT NOT NULL,
  content_hash TEXT NOT NULL, validation TEXT NOT NULL, ntriples TEXT NOT NULL,
  repairs TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS private_identifier (
  id TEXT NOT NULL REFERENCES private_record(id) ON DELETE CASCADE,
  publisher TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS private_identifier_value ON private_identifier(publisher, value);
CREATE INDEX IF NOT EXISTS private_record_publisher ON private_record(publisher, status,
  modified);
CREATE TABLE IF NOT EXISTS private_move (
  id TEXT PRIMARY KEY, direction TEXT NOT NULL, content_hash TEXT NOT NULL,
  at REAL NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL);
"""
_COLUMNS = "id, iri, publisher, status, issued, modified, content_hash, validation"


@dataclass(frozen=True)
class Move:
    """A move between the store and this area, begun and not yet seen through
    (``direction``: ``publish`` = here → store, ``hide`` = store → here)."""

    id: str
    direction: str
    content_hash: str  # of the version written to the new place
    at: float
    host: str
    pid: int


@dataclass(frozen=True)
class PrivateRecord:
    meta: RecordMeta
    ntriples: str
    repairs: list[dict[str, Any]]


def identifiers_of(iri: str, ntriples: str) -> list[str]:
    """The dct:identifier values of the dataset node of a prepared graph."""
    node = ox.NamedNode(iri)
    return sorted({t.object.value for t in ox.parse(ntriples.encode("utf-8"),
                                                    format=ox.RdfFormat.N_TRIPLES)
                   if t.predicate == _IDENTIFIER and t.subject == node})


class PrivateArea:
    """The private records of one store (SQLite file, or memory when ``path`` is None)."""

    def __init__(self, path: str | None) -> None:
        self.path = path  # None: in memory
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path or ":memory:", timeout=30.0,
                                   check_same_thread=False, isolation_level=None)
        if path is not None:
            os.chmod(path, 0o600)
            # Rollback journal, not WAL: WAL needs shared memory, i.e. one machine, and app
            # processes of several machines may share the data directory (docs/scaling.md).
            self._db.execute("PRAGMA journal_mode=DELETE")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)

    @classmethod
    def beside(cls, store: Any) -> PrivateArea:
        """The private area in the store's files directory (in memory when it has none).
        A process opens it once, in ``build_services``; ``Services.private`` hands it out."""
        path = store.files_dir
        return cls(os.path.join(path, FILE) if path else None)

    def _query(self, sql: str, args: Iterable[Any] = ()) -> builtins.list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, tuple(args)).fetchall()

    # -- reads -----------------------------------------------------------------------------
    @staticmethod
    def _meta(row: tuple[Any, ...]) -> RecordMeta:
        rid, iri, pub, status, issued, modified, digest, validation = row
        return RecordMeta(rid, iri, pub, issued, modified, digest, json.loads(validation),
                          status=status)

    def metas(self, key: str, values: Iterable[str]) -> dict[str, RecordMeta]:
        """Private records whose ``key`` (``id`` or ``iri``) is in values, by that key."""
        assert key in ("id", "iri")
        out: dict[str, RecordMeta] = {}
        ordered = sorted(set(values))
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(f"SELECT {_COLUMNS} FROM private_record "
                                   f"WHERE {key} IN ({marks})", chunk):
                meta = self._meta(row)
                out[meta.id if key == "id" else meta.iri] = meta
        return out

    def identifier_ids(self, publisher: str, values: Iterable[str]) -> dict[str, str]:
        """Local id of the publisher's private record with each dct:identifier."""
        ordered = sorted(set(values))
        out: dict[str, str] = {}
        for start in range(0, len(ordered), 500):
            chunk = ordered[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for value, rid in self._query(
                    "SELECT value, id FROM private_identifier WHERE publisher = ? AND value IN "
                    f"({marks}) ORDER BY value, id", [publisher, *chunk]):
                out.setdefault(value, rid)
        return out

    def identifiers(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """Stored dct:identifier values of private records, by local id."""
        out: dict[str, list[str]] = {}
        for rid in set(ids):
            for (value,) in self._query("SELECT value FROM private_identifier WHERE id = ? "
                                        "ORDER BY value", [rid]):
                out.setdefault(rid, []).append(value)
        return out

    def get(self, record_id: str) -> PrivateRecord | None:
        rows = self._query(f"SELECT {_COLUMNS}, ntriples, repairs FROM private_record "
                           "WHERE id = ?", [record_id])
        if not rows:
            return None
        row = rows[0]
        return PrivateRecord(self._meta(row[:8]), row[8], json.loads(row[9]))

    def list(self, publisher: str | None = None, status: str | None = None,
             limit: int = 100, offset: int = 0) -> list[RecordMeta]:
        where, args = self._where(publisher, status)
        rows = self._query(f"SELECT {_COLUMNS} FROM private_record {where} "
                           "ORDER BY modified DESC, id LIMIT ? OFFSET ?",
                           [*args, int(limit), int(offset)])
        return [self._meta(r) for r in rows]

    def count(self, publisher: str | None = None, status: str | None = None) -> int:
        where, args = self._where(publisher, status)
        return int(self._query(f"SELECT COUNT(*) FROM private_record {where}", args)[0][0])

    @staticmethod
    def _where(publisher: str | None, status: str | None) -> tuple[str, builtins.list[str]]:
        clauses, args = [], []
        if publisher is not None:
            clauses.append("publisher = ?")
            args.append(publisher)
        if status is not None:
            clauses.append("status = ?")
            args.append(status)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", args

    # -- writes ------------------------------------------------------------------------------
    def put(self, records: Iterable[tuple[RecordMeta, str, builtins.list[dict[str, Any]]]],
            hiding: Iterable[tuple[str, str]] = ()) -> None:
        """Add or replace records (meta, N-Triples, repairs), in one transaction; ``hiding``:
        (id, content hash) of those that are leaving the store, logged as moves in the same
        transaction (``moves.py``)."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                self._log(db, "hide", hiding)
                for meta, ntriples, repairs in records:
                    assert meta.status in STATUSES, meta.status
                    db.execute("DELETE FROM private_record WHERE id = ? OR iri = ?",
                               (meta.id, meta.iri))
                    db.execute(
                        "INSERT INTO private_record VALUES (?,?,?,?,?,?,?,?,?,?)",
                        (meta.id, meta.iri, meta.publisher, meta.status, meta.issued,
                         meta.modified, meta.content_hash,
                         json.dumps(meta.validation, ensure_ascii=False), ntriples,
                         json.dumps(repairs, ensure_ascii=False)))
                    db.executemany("INSERT INTO private_identifier VALUES (?,?,?)",
                                   [(meta.id, meta.publisher, v)
                                    for v in identifiers_of(meta.iri, ntriples)])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def remove(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self._lock:
            self._db.executemany("DELETE FROM private_record WHERE id = ?",
                                 [(i,) for i in ids])

    # -- moves between this area and the store (moves.py) ---------------------------------------
    @staticmethod
    def _log(db: sqlite3.Connection, direction: str, moves: Iterable[tuple[str, str]]) -> None:
        host, pid, at = socket.gethostname(), os.getpid(), time.time()
        db.executemany("INSERT OR REPLACE INTO private_move VALUES (?,?,?,?,?,?)",
                       [(rid, direction, digest, at, host, pid) for rid, digest in moves])

    def begin_publish(self, moves: Iterable[tuple[str, str]]) -> None:
        """Log (id, content hash of the public version) of records about to be written to
        the store (step 1 of a publish; the store transaction is step 2)."""
        moves = builtins.list(moves)
        if not moves:
            return
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                self._log(db, "publish", moves)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def end_moves(self, ids: Iterable[str], drop_records: bool) -> None:
        """The moves of these records seen through: their log rows go and, with
        ``drop_records``, their rows here too (one transaction)."""
        rows = [(i,) for i in ids]
        if not rows:
            return
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                if drop_records:
                    db.executemany("DELETE FROM private_record WHERE id = ?", rows)
                db.executemany("DELETE FROM private_move WHERE id = ?", rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def moves(self, ids: Iterable[str] | None = None) -> builtins.list[Move]:
        """Moves begun and not seen through (of these records, or all)."""
        rows = self._query("SELECT id, direction, content_hash, at, host, pid "
                           "FROM private_move ORDER BY id")
        wanted = None if ids is None else set(ids)
        return [Move(*r) for r in rows if wanted is None or r[0] in wanted]

    # -- backup (service/ops/backup.py) ------------------------------------------------------
    def dump(self) -> bytes:
        """Every private record as JSON (one snapshot): what a backup archive holds."""
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS}, ntriples, repairs "
                                    "FROM private_record ORDER BY id").fetchall()
        names = [*_COLUMNS.split(", "), "ntriples", "repairs"]
        return json.dumps([dict(zip(names, row, strict=True)) for row in rows],
                          ensure_ascii=False).encode("utf-8")

    def load(self, data: bytes | None) -> None:
        """Replace every private record by a dump's (None: by none), in one transaction."""
        rows = json.loads(data) if data else []
        records = [(RecordMeta(r["id"], r["iri"], r["publisher"], r["issued"], r["modified"],
                               r["content_hash"], json.loads(r["validation"]),
                               status=r["status"]), r["ntriples"], json.loads(r["repairs"]))
                   for r in rows]
        with self._lock:  # a restore replaces the moves in flight too: there are none
            self._db.execute("DELETE FROM private_move")
            self._db.execute("DELETE FROM private_record")
        self.put(records)

    def close(self) -> None:
        with self._lock:
            self._db.close()


@contextmanager
def private_area(store: Any, given: PrivateArea | None = None) -> Iterator[PrivateArea]:
    """``given`` (the process's own, ``Services.private``), else one opened beside the store for
    this use and closed after it (commands that open a bare store: backup, restore)."""
    if given is not None:
        yield given
        return
    area = PrivateArea.beside(store)
    try:
        yield area
    finally:
        area.close()


def with_status(meta: RecordMeta, status: str) -> RecordMeta:
    return replace(meta, status=status)


def fix_list(report: dict[str, Any]) -> list[dict[str, Any]]:
    """What the publisher must fix before the record can be published: the report's
    violations (French first), with where and the offending value."""
    out = []
    for result in report.get("results", []):
        if result.get("severity") != "Violation":
            continue
        message = result.get("message") or {}
        if isinstance(message, str):
            message = {"fr": message, "en": message}
        out.append({"fr": message.get("fr", ""), "en": message.get("en", ""),
                    "path": result.get("path"), "focus": result.get("focus"),
                    "value": result.get("value")})
    return out
