"""One writer at a time for the small files of the data directory (token digests, curator
accounts), across processes: several app processes or machines share that directory when the
store is external (docs/scaling.md), and each file is rewritten whole (read, add, replace), so
two unlocked writers could each drop the other's new entry."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager


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
