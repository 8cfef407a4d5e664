"""Run by tests/derived/test_kill.py as a process of its own: a rebuild read by two worker
processes that prints their pids after its first chunk, then waits to be killed."""

from __future__ import annotations

import multiprocessing
import sys
import time

from service.derived.source import StoreSource
from service.store.oxigraph import OxigraphStore


def main() -> None:
    store = OxigraphStore(sys.argv[1])
    chunks = StoreSource(store, workers=2).chunks(1, ())
    next(chunks)
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
    time.sleep(120)
    sys.exit("not killed")


if __name__ == "__main__":
    main()
