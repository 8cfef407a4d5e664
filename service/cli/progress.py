"""Progress of a long command on standard error: a bar on a terminal, a line every few seconds
in a log or a pipe.

Why not click.progressbar: its clock starts when the bar is made and its estimate averages the
last seconds' time-per-item since that start, so the seconds spent before the first record
(worker processes starting, shapes loading) made an 18 s import announce 7 hours, then 25
minutes at 88 %; and it prints nothing at all when standard error is not a terminal (cron,
`docker logs`). Here the document is read first under a "reading" line, the bar starts after,
and the estimate is the rate since the first record applied to what is left.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

BAR_WIDTH = 30
REDRAW = 0.2  # seconds between two redraws of the bar on a terminal


def interval() -> float:
    """Seconds between two progress lines when standard error is not a terminal."""
    try:
        return max(float(os.environ.get("SOCLE_PROGRESS_INTERVAL", "10")), 0.0)
    except ValueError:
        return 10.0


BURST = 0.05  # seconds: results closer together than this, within this span, are one burst


class Estimator:
    """Remaining time from the rate of completed bursts of results.

    Results arrive in bursts (an import writes and reports a batch of records at once), so a
    burst is only counted once it is over. The first burst's rate is taken since the start;
    later ones since the end of the first burst, which leaves out the startup costs (worker
    processes, the first lookups) that would otherwise inflate every later estimate. The time
    since the latest completed burst counts as spent."""

    def __init__(self, total: int, start: float = 0.0) -> None:
        self.total = total
        self.start = start
        self.done = 0
        self.first: tuple[float, int] | None = None    # end of the first burst: (time, done)
        self.settled: tuple[float, int] | None = None  # end of the latest completed burst
        self.burst_start: float | None = None
        self.latest = start

    def advance(self, now: float, n: int = 1) -> None:
        if self.burst_start is not None and (now - self.latest >= BURST
                                             or now - self.burst_start >= BURST):
            self.settled = (self.latest, self.done)
            self.first = self.first or self.settled
            self.burst_start = None
        if self.burst_start is None:
            self.burst_start = now
        self.done += n
        self.latest = now

    def remaining(self, now: float) -> float | None:
        if self.done >= self.total:
            return 0.0
        settled = self.settled
        if settled is None and self.burst_start is not None and now - self.latest >= BURST:
            settled = (self.latest, self.done)  # the first burst is over, none after it yet
        if settled is None:
            return None
        first = self.first or settled
        if settled[1] > first[1] and settled[0] > first[0]:
            rate = (settled[1] - first[1]) / (settled[0] - first[0])
        elif settled[0] > self.start:
            rate = settled[1] / (settled[0] - self.start)
        else:
            return None
        if now - self.latest >= BURST:  # the current burst is over too
            settled = (self.latest, self.done)
        left = (self.total - settled[1]) / rate - (now - settled[0])
        return max(left, 0.0)


class Progress:
    def __init__(self, label: str, file: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 tty: bool | None = None) -> None:
        self.label = label
        self.file = file or sys.stderr
        self.clock = clock
        self.tty = self.file.isatty() if tty is None else tty
        self.every = REDRAW if self.tty else interval()
        self.estimator = Estimator(0)
        self.started = self.last = 0.0
        # advance() may be called from an import's worker-pool result thread.
        self.lock = threading.Lock()

    @contextmanager
    def reading(self, what: str) -> Iterator[None]:
        """While the document is read and parsed (no count known yet)."""
        start = self.clock()
        self._line(f"{self.label} : lecture de {what}… / reading {what}…")
        yield
        self._line(f"{self.label} : lu en {self.clock() - start:.1f} s / read in "
                   f"{self.clock() - start:.1f} s")

    def start(self, total: int) -> None:
        self.started = self.last = self.clock()
        self.estimator = Estimator(total, self.started)
        self._line(f"{self.label} : {total} fiches / records")

    def advance(self, n: int = 1) -> None:
        with self.lock:
            now = self.clock()
            self.estimator.advance(now, n)
            if now - self.last >= self.every:
                self.last = now
                self._show(now)

    def finish(self) -> None:
        with self.lock:
            now = self.clock()
            if self.tty:
                self._show(now)
                self.file.write("\n")
            done, took = self.estimator.done, now - self.started
            self._line(f"{self.label} : {done} fiches en {took:.1f} s / {done} records in "
                       f"{took:.1f} s")

    def status(self, now: float) -> str:
        e = self.estimator
        percent = 100 * e.done // e.total if e.total else 100
        left = e.remaining(now)
        eta = f"reste ~{_duration(left)} / left ~{_duration(left)}" if left is not None else ""
        return f"{percent:3d} %  {e.done}/{e.total}  {eta}".rstrip()

    def _show(self, now: float) -> None:
        if self.tty:
            e = self.estimator
            filled = BAR_WIDTH * e.done // e.total if e.total else BAR_WIDTH
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.file.write(f"\r{self.label}  [{bar}] {self.status(now)}\x1b[K")
            self.file.flush()
        else:
            self._line(f"{self.label} : {self.status(now)}")

    def _line(self, text: str) -> None:
        if self.tty:
            text = f"\r{text}\x1b[K"
        self.file.write(text + "\n")
        self.file.flush()


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
