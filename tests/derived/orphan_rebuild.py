"""Run by tests/derived/test_kill.py as a process of its own: a rebuild read by two worker
processes that prints their pids, then waits to be killed. ``read``: after its first chunk
(the workers are serving); ``start``: as soon as both worker processes exist (they are still
importing and opening the store when the kill comes)."""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time

from service.derived.source import StoreSource
from service.store.oxigraph import OxigraphStore


def main() -> None:
    store = OxigraphStore(sys.argv[1])
    chunks = StoreSource(store, workers=2).chunks(1, ())
    if sys.argv[2] == "read":
        next(chunks)
    else:
        threading.Thread(target=next, args=(chunks,), daemon=True).start()
        while len(multiprocessing.active_children()) < 2:
            time.sleep(0.001)
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
    time.sleep(120)
    sys.exit("not killed")


if __name__ == "__main__":
    main()
