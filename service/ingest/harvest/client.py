"""One page over HTTP under a Policy: wall-clock bounds, size bound, complete bodies only,
retries with backoff, and redirects only to URLs the policy also accepts (each hop checked, at
most MAX_REDIRECTS). The service's one HTTP fetcher: harvest pages, and the documents an
import or a validation names by URL (`service/ingest/fetch.py`, with its own limits).

Socket timeouts alone do not bound a request: a server dripping one byte per second never
lets a read time out. Each attempt therefore has a wall-clock deadline (the per-request
`timeout`, and never later than the run's own deadline); a watchdog shuts the attempt's
sockets down when it passes, whatever phase the request is in (connect, headers, body). A body
shorter than its Content-Length, or a chunked body cut before its last chunk, is a failed
page: the run then stops as partial and withdraws nothing.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from service.errors import SocleError
from service.ingest.harvest.policy import Policy
from service.retry import exponential, retry

MAX_REDIRECTS = 3
ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
          "application/n-triples;q=0.7, */*;q=0.1")
USER_AGENT = "Socle-harvester (+https://socle.opendata.fr)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CHUNK = 64 * 1024


class FetchError(SocleError):
    """A page could not be fetched (after retries): the run stops, nothing is withdrawn."""

    status = 502
    title = "Harvest source unavailable"
    type_slug = "harvest-fetch-failed"


class _Transient(Exception):
    """One attempt failed in a way a retry may cure (reset, truncated body, timeout)."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    body: bytes
    content_type: str | None
    attempts: int


class _CheckedRedirect(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        self.policy.check(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Watchdog:
    """Shuts down every socket of one attempt once its deadline (time.monotonic) passes."""

    def __init__(self, deadline: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0.0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def stop(self) -> None:
        self._timer.cancel()

    def connection(self, base: type[http.client.HTTPConnection]):
        """A connection class for urllib whose sockets this watchdog can cut."""
        dog = self

        class Watched(base):  # type: ignore[misc, valid-type]
            def connect(self) -> None:
                super().connect()
                dog.watch(self.sock)

        return Watched


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _HTTP(urllib.request.HTTPHandler):
    def __init__(self, dog: _Watchdog) -> None:
        super().__init__()
        self.dog = dog

    def http_open(self, req):  # noqa: ANN001
        return self.do_open(self.dog.connection(http.client.HTTPConnection), req)


class _HTTPS(urllib.request.HTTPSHandler):
    def __init__(self, dog: _Watchdog) -> None:
        super().__init__()
        self.dog = dog

    def https_open(self, req):  # noqa: ANN001
        return self.do_open(self.dog.connection(http.client.HTTPSConnection), req,
                            context=getattr(self, "_context", None))  # HTTPSHandler's own


def _read_all(answer, url: str, limit: int) -> bytes:  # noqa: ANN001
    """The whole body, one system call per chunk (a drip cannot pin a buffered read)."""
    parts, size = [], 0
    while True:
        chunk = answer.read1(CHUNK)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            raise FetchError(f"Page trop volumineuse (> {limit} octets) : {url}.",
                             f"Page too large (> {limit} bytes): {url}.", url=url)
    return b"".join(parts)


def _complete(answer, body: bytes) -> bytes:  # noqa: ANN001
    declared = answer.headers.get("Content-Length")
    if declared is not None and declared.strip().isdigit() and int(declared) != len(body):
        raise _Transient(f"incomplete body: {len(body)} of {int(declared)} bytes")
    return body


def _timed_out(policy: Policy) -> str:
    return f"timed out: no complete answer within {policy.limits.timeout:g} s"


def _attempt(url: str, policy: Policy, deadline: float, accept: str) -> Response:
    dog = _Watchdog(deadline)
    opener = urllib.request.build_opener(_CheckedRedirect(policy), _HTTP(dog), _HTTPS(dog))
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": USER_AGENT})
    timeout = max(min(policy.limits.timeout, deadline - time.monotonic()), 0.001)
    try:
        with opener.open(request, timeout=timeout) as answer:
            body = _read_all(answer, url, policy.limits.max_page_bytes)
            if dog.expired:  # shut down mid-body: what was read is not the page
                raise _Transient(_timed_out(policy))
            return Response(answer.geturl(), _complete(answer, body),
                            answer.headers.get("Content-Type"), 0)
    except (http.client.HTTPException, urllib.error.URLError, OSError) as exc:
        if isinstance(exc, urllib.error.HTTPError):
            raise
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, SocleError):  # a redirect the policy refused
            raise reason from None
        if dog.expired:
            raise _Transient(_timed_out(policy)) from None
        if isinstance(exc, http.client.IncompleteRead):
            raise _Transient(f"incomplete body: {len(exc.partial)} bytes, then cut") from None
        raise _Transient(str(reason) or type(reason).__name__) from None
    finally:
        dog.stop()


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in RETRY_STATUSES
    return isinstance(exc, _Transient)


class _OutOfTime(Exception):
    """The run's deadline passed before an attempt could start."""


def get(url: str, policy: Policy, sleep: Callable[[float], None] = time.sleep,
        deadline: float | None = None, accept: str = ACCEPT) -> Response:
    """GET url; transient failures (timeouts, resets, truncated bodies, 429, 5xx) are retried
    with backoff (service/retry.py). `deadline` (time.monotonic) is the run's end: no attempt,
    retry or wait goes past it. `accept`: the Accept header (an import also takes CSV)."""
    limits = policy.limits
    failures: list[str] = []

    def once(attempt: int) -> Response:
        policy.check(url)
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            raise _OutOfTime
        ends = now + limits.timeout if deadline is None else min(now + limits.timeout, deadline)
        try:
            answer = _attempt(url, policy, ends, accept)
        except urllib.error.HTTPError as exc:
            failures.append(f"HTTP {exc.code}")
            raise
        except _Transient as exc:
            failures.append(str(exc))
            raise
        return Response(answer.url, answer.body, answer.content_type, attempt)

    try:
        return retry(once, exponential(limits.backoff, limits.retries), retryable=_retryable,
                     deadline=deadline, sleep=sleep)
    except (urllib.error.HTTPError, _Transient, _OutOfTime):
        last = failures[-1] if failures else "time limit of the run reached"
    raise FetchError(f"Téléchargement impossible : {url} ({last}).",
                     f"Download failed: {url} ({last}).", url=url)
