"""The small JSON files of the data directory (token digests, curator accounts): one key →
entry map per file, shared by every app process.

Why files and not the store: secrets must never be in the public SPARQL union graph. Several
processes or machines share the directory when the store is external (docs/scaling.md), so
each process re-reads a file when it changed, and each write takes an exclusive lock and
re-reads first: every file is rewritten whole, and two unlocked writers could each drop the
other's new entry. Writes are atomic (temporary file, fsync, rename) and private (0600).
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from service.store import Store


@contextmanager
def locked(path: str | None) -> Iterator[None]:
    """Hold an exclusive lock on `<path>.lock` (flock; NFS v4 maps it to a byte-range lock)
    while the caller re-reads and rewrites `path`. No file (in-memory registry): no lock."""
    if path is None:
        yield
        return
    with open(f"{path}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class JsonFile:
    """key → entry, kept in `path` (or only in memory when `path` is None: stores that have
    no data directory, such as tests' in-memory stores)."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._entries: dict[str, dict[str, Any]] = {}
        self._seen: tuple[int, int] | None = None

    def _stat(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)  # type: ignore[arg-type]
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def entries(self) -> dict[str, dict[str, Any]]:
        """The current entries; the file is read again only when it changed."""
        if self.path is None:
            return self._entries
        stat = self._stat()
        if stat != self._seen:
            self._entries = {}
            if stat is not None:
                with open(self.path, encoding="utf-8") as f:
                    self._entries = json.load(f)
            self._seen = stat
        return self._entries

    def put(self, new: dict[str, dict[str, Any]],
            drop: Callable[[str, dict[str, Any]], bool] | None = None) -> None:
        """Add or replace entries, and remove those `drop` selects, keeping what other
        processes wrote meanwhile."""
        with locked(self.path):
            self._seen = (-1, -1)  # re-read under the lock: another process may have written
            entries = {**self.entries(), **new}
            if drop is not None:
                entries = {k: v for k, v in entries.items() if not drop(k, v)}
            if self.path is not None:
                write_private(self.path, json.dumps(entries, indent=1, sort_keys=True))
                self._seen = self._stat()
            self._entries = entries


class DataFiles:
    """The JSON files beside one store (token digests, curator accounts, sessions), one
    `JsonFile` per name, opened on first use. A process has one, owned by its `Services`
    (`Services.files`, built by `build_services`); a command that opens a bare store makes its
    own: every process re-reads the files on disk when they change. A store without a directory
    keeps the entries in memory, in this object, for as long as it lives."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._files: dict[str, JsonFile] = {}
        self._lock = threading.Lock()

    def file(self, name: str) -> tuple[JsonFile, bool]:
        """The JsonFile `name`; the flag says it was just opened (first use here)."""
        with self._lock:
            found = self._files.get(name)
            if found is not None:
                return found, False
            path = self.store.files_dir
            found = self._files[name] = JsonFile(os.path.join(path, name) if path else None)
            return found, True


def write_private(path: str, text: str) -> None:
    """Replace `path` by `text` atomically (temporary file, fsync, rename), mode 0600."""
    fd, tmp = tempfile.mkstemp(prefix=".socle-", dir=os.path.dirname(path) or ".")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
