"""Moving a record between the private area (``private.py``) and the store, so that a process
killed at any point leaves it in exactly one place.

The two sides are two databases (SQLite, the RDF store): no transaction spans both. The
protocol logs each move in the private area (table ``private_move``) before the store
transaction and removes the log row after it, like the derived store's pending log
(``service/derived/store.py``):

- **publish** (private → store): 1. log ``(id, publish, hash of the public version)``;
  2. the store transaction writes the graph and its bookkeeping; 3. one SQLite transaction
  deletes the private row and the log row.
- **hide** (store → private: a public record saved as a draft or quarantined): 1. one SQLite
  transaction writes the private row and logs ``(id, hide, hash)``; 2. the store transaction
  drops the graph and its bookkeeping; 3. the log row is deleted.

Between 1 and 3 the record is in both places; lookups prefer the store's copy, which is the
right one at every point (before 2 the store still has the old public version; after 2 the
publish has its new one, and a hide has none). ``recover`` resolves a log row left by a
process that died, from what the store holds:

- publish: the store has the record with the logged hash → step 2 committed: finish step 3;
  otherwise the write never happened: the log row goes, the record stays private;
- hide: the store still has the record → step 2 never committed: the private row and the log
  row go, the record stays public as it was; otherwise only the log row goes.

A log row is resolved by the process that wrote it when its store transaction fails, and by
any writer (``BatchWriter``, at start and before each batch) once its process is dead: a
process of this host that no longer runs, or a row older than ``STALE_S`` (another host's).
The derived store keeps its own pending log around the same store transactions, so it is
repaired from the store whichever way a move ends.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable

from service.catalog import bookkeeping
from service.catalog.private import Move, PrivateArea
from service.store import Store

STALE_S = 300.0  # a move logged by another host this long ago belongs to a dead process


def _dead(move: Move, now: float) -> bool:
    if move.host == socket.gethostname():
        if move.pid == os.getpid():
            return False  # ours: in flight (the writer's lock), resolved by its own write
        try:
            os.kill(move.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # another user's process: alive
            pass
        # A live pid: still writing, or reused after a crash (then the age decides).
    return now - move.at > STALE_S


def recover(store: Store, private: PrivateArea, ids: Iterable[str] | None = None) -> list[str]:
    """Resolve moves from the store's state: those of ``ids`` (a write of this process whose
    store transaction failed), else every move of a dead process. Returns the ids resolved."""
    now = time.time()
    moves = private.moves(ids) if ids is not None else [
        m for m in private.moves() if _dead(m, now)]
    done = []
    for move in moves:
        stored = bookkeeping.by_id(store, move.id)
        if move.direction == "publish":
            # Committed: the store has this very version; else still private.
            published = stored is not None and stored.content_hash == move.content_hash
            private.end_moves([move.id], drop_records=published)
        else:
            # Not committed (the store still has it): the record stays public as it was.
            private.end_moves([move.id], drop_records=stored is not None)
        done.append(move.id)
    return done
