"""Per-client rate limits for anonymous endpoints that cost CPU (POST /validate, the validation
page): a token bucket per client address, in memory, per app process (`Services.rate_limits`).

Behind a reverse proxy the client address is what the proxy settings make of it
(docs/operations.md); without them every client shares the proxy's address and its bucket.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from service.errors import SocleError

MAX_CLIENTS = 10_000  # buckets kept (least recently seen forgotten first)


class TooManyRequests(SocleError):
    status = 429
    title = "Too many requests"
    type_slug = "too-many-requests"


class RateLimiter:
    """`per_minute` requests a minute on average, bursts of `burst`."""

    def __init__(self, per_minute: float, burst: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.clock = per_minute / 60.0, burst, clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.lock = threading.Lock()

    def wait(self, client: str) -> float:
        """0 when the request may go now (and counts it), else seconds until it may."""
        now = self.clock()
        with self.lock:
            tokens, last = self.buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self.buckets[client] = (tokens - 1 if not wait else tokens, now)
            while len(self.buckets) > MAX_CLIENTS:
                self.buckets.popitem(last=False)
        return wait


class RateLimits:
    """The limiters of one process, by name; `Services` owns them (no module-level state, so
    two apps in one process, as in tests, never share buckets)."""

    def __init__(self) -> None:
        self._limiters: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def check(self, name: str, per_minute: float, burst: int, client: str | None) -> None:
        """Raise 429 (with Retry-After) when `client` went over the limit `name`."""
        if per_minute <= 0:
            return
        with self._lock:
            limiter = self._limiters.get(name)
            if limiter is None:
                limiter = self._limiters[name] = RateLimiter(per_minute, burst)
        wait = limiter.wait(client or "?")
        if wait:
            seconds = math.ceil(wait)
            err = TooManyRequests(
                f"Trop de validations anonymes depuis votre adresse : réessayez dans {seconds} s "
                "(ou authentifiez-vous avec le jeton de votre éditeur).",
                f"Too many anonymous validations from your address: retry in {seconds} s (or "
                "authenticate with your publisher's token).", retry_after=seconds)
            err.headers = {"Retry-After": str(seconds)}
            raise err
