"""A small pool of query worker processes: bounded concurrency, deadlines that free the core.

Each worker is `python -m service.sparql.worker` with one end of a socket pair. A request takes an
idle worker (or waits a little, then gives up: the endpoint answers 503), sends the query, and
reads messages until the end or the deadline; at the deadline the worker is killed (SIGKILL: the
core is free at once) and a replacement starts in the background.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator

from service.retry import exponential, retry
from service.workers import WorkerProcess

log = logging.getLogger(__name__)


class Timeout(Exception):
    """The query ran past its deadline; its worker has been killed."""


class WorkerFailed(Exception):
    """The worker died or could not start."""


class Worker(WorkerProcess):
    def __init__(self, path: str, nice: int, allow_service: bool = False) -> None:
        super().__init__("service.sparql.worker", path, str(nice), "1" if allow_service else "0")
        self.started = time.monotonic()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise WorkerFailed("query worker did not start in time")
        try:
            message = self.conn.recv()
        except (EOFError, OSError) as err:
            self.kill()
            raise WorkerFailed(f"query worker failed to start (exit {self.proc.poll()})") from err
        if message[0] != "ready":  # ("failed", why): the store could not be opened
            self.kill()
            raise WorkerFailed(f"query worker failed to start: {message[1:]}")


class Pool:
    """At most `size` queries at once over the store directory `path`, with `spare` more workers
    started ahead: the worker killed at a deadline is replaced at once by a ready spare, so a
    runaway query does not leave the endpoint short of a worker while the next one starts."""

    def __init__(self, path: str, size: int, *, nice: int = 5, start_timeout: float = 120.0,
                 spare: int = 1, allow_service: bool = False):
        self.path, self.size, self.nice, self.start_timeout = path, size, nice, start_timeout
        self.allow_service = allow_service
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.slots = threading.BoundedSemaphore(size)
        self.closed = False
        self.workers: set[Worker] = set()
        self.lock = threading.Lock()
        self.kills = 0
        starters = [threading.Thread(target=self._spawn, daemon=True)
                    for _ in range(size + spare)]
        for t in starters:
            t.start()
        for t in starters:
            t.join()

    def _spawn(self) -> None:
        """Start one worker; a failed start (the store unreadable for a moment while the writer
        compacts) is retried with a growing pause, so the pool never stays a worker short."""
        def start(attempt: int) -> Worker | None:
            if self.closed:
                return None
            worker = None
            try:
                worker = Worker(self.path, self.nice, self.allow_service)
                with self.lock:
                    self.workers.add(worker)
                worker.wait_ready(self.start_timeout)
                return worker
            except Exception:
                if worker is not None:
                    with self.lock:
                        self.workers.discard(worker)
                if self.closed:  # killed by close() while starting: nothing went wrong
                    return None
                log.exception("SPARQL worker failed to start (attempt %d)", attempt)
                raise

        worker = retry(start, exponential(0.2, None, cap=5.0), retryable=lambda exc: True)
        if worker is None:
            return
        if self.closed:
            worker.kill()
            return
        self.idle.put(worker)

    def acquire(self, wait: float) -> Worker | None:
        """A worker and one of the `size` slots, or None when no slot frees within `wait`.
        Every worker acquired goes back through `release` or `discard` exactly once."""
        if not (self.slots.acquire(timeout=wait) if wait > 0 else self.slots.acquire(False)):
            return None
        try:
            # A slot is ours: a worker is idle, or a replacement is at most a start away.
            return self.idle.get(timeout=max(wait, 10.0))
        except queue.Empty:
            self.slots.release()
            return None

    def release(self, worker: Worker) -> None:
        if worker.alive and not self.closed:
            self.idle.put(worker)
            self.slots.release()
        else:
            self.discard(worker)

    def discard(self, worker: Worker) -> None:
        """Kill the worker now and start its replacement in the background."""
        worker.kill()
        with self.lock:
            self.workers.discard(worker)
            self.kills += 1
        self.slots.release()
        if not self.closed:
            threading.Thread(target=self._spawn, daemon=True).start()

    def close(self) -> None:
        self.closed = True
        with self.lock:
            workers = list(self.workers)
            self.workers.clear()
        for worker in workers:
            worker.kill()


def messages(worker: Worker, request: dict, deadline: float) -> Iterator[tuple]:
    """Send the request and yield the worker's messages until ("end"|"error"); Timeout at the
    deadline, WorkerFailed if it dies. The caller releases or discards the worker."""
    worker.conn.send(request)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not worker.conn.poll(remaining):
            raise Timeout()
        try:
            message = worker.conn.recv()
        except (EOFError, OSError) as err:
            raise WorkerFailed(f"query worker died (exit {worker.proc.poll()})") from err
        yield message
        if message[0] in ("end", "error"):
            return
