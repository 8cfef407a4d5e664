"""Login throttling: failed logins counted per account and per client address.

A sliding window per key: after `limit` failures within `window` seconds the key is refused
until its oldest counted failure leaves the window (HTTP 429 with Retry-After). Unknown
accounts are counted like known ones, so throttling tells nothing about which logins exist.
Counts live in the process (one `socle serve`); with several app processes each counts its
own share, which still bounds guessing to `limit` × processes per window.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """Failures per key within the last `window` seconds."""

    def __init__(self, limit: int, window: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again (0: now)."""
        with self._lock:
            now = self.clock()
            failures = self._recent(key, now)
            if len(failures) < self.limit:
                return 0.0
            return max(failures[0] + self.window - now, 0.0)

    def fail(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            self._recent(key, now)
            self._failures.setdefault(key, deque()).append(now)
            if len(self._failures) > 100_000:  # bounded memory under a spray of keys
                self._failures.pop(next(iter(self._failures)))

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class LoginThrottle:
    """Per account (`login:`) and per address (`addr:`) windows."""

    def __init__(self, per_account: int = 5, per_address: int = 20, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.accounts = SlidingWindow(per_account, window, clock)
        self.addresses = SlidingWindow(per_address, window, clock)

    def retry_after(self, login: str, address: str) -> float:
        return max(self.accounts.retry_after(login.lower()),
                   self.addresses.retry_after(address))

    def failed(self, login: str, address: str) -> None:
        self.accounts.fail(login.lower())
        self.addresses.fail(address)

    def succeeded(self, login: str) -> None:
        self.accounts.clear(login.lower())
