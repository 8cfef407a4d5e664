"""One retry loop for the whole service: the store's requests to a SPARQL server, the harvest's
page fetches and the SPARQL endpoint's worker starts all retry a failed call after a pause.

What differs between them is data, not code: which failures are worth another try
(`retryable`), the pauses (`exponential`, or any sequence), and an optional deadline past which
no retry starts. Everything else, the last failure included, propagates unchanged, so each
caller keeps its own error messages.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def exponential(first: float, retries: int | None, *, factor: float = 2.0,
                cap: float | None = None) -> Iterator[float]:
    """`retries` pauses (None: no end), `first` seconds then each `factor` times the one before,
    never more than `cap`."""
    counts: Iterable[int] = itertools.count() if retries is None else range(retries)
    for n in counts:
        pause = first * factor ** n
        yield pause if cap is None else min(pause, cap)


def retry(call: Callable[[int], T], pauses: Iterable[float], *,
          retryable: Callable[[Exception], bool],
          deadline: float | None = None,
          sleep: Callable[[float], None] | None = None,
          on_retry: Callable[[Exception, float], None] | None = None) -> T:
    """`call(attempt)` (attempt 1, 2, ...) until it returns; after a failure that `retryable`
    accepts, wait the next pause and try again. The failure propagates when `retryable` refuses
    it, when no pause is left, or when the pause would end at or past `deadline`
    (time.monotonic). `on_retry(failure, pause)` is told before each pause (logging)."""
    waits = iter(pauses)
    for attempt in itertools.count(1):
        try:
            return call(attempt)
        except Exception as exc:
            if not retryable(exc):
                raise
            pause = next(waits, None)
            if pause is None:
                raise
            if deadline is not None and time.monotonic() + pause >= deadline:
                raise
            if on_retry is not None:
                on_retry(exc, pause)
            (sleep or time.sleep)(pause)  # looked up now: tests may patch time.sleep
    raise AssertionError("unreachable")
