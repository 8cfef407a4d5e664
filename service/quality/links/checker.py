"""Checking distribution URLs over HTTP, politely and within the operator's rules.

Every URL, and every redirect target, passes the harvest policy first (allow-list, private
addresses refused unless allowed: service/ingest/harvest/policy.py), so a catalogue can never
make Socle probe the internal network. A URL is asked with HEAD; when the server refuses HEAD
it is asked again with a GET of one byte (``Range: bytes=0-0``), and no body is ever read: the
connection is closed once the headers are in. Per host: at most `per_host` requests at once,
and `min_interval` seconds between two starts; robots.txt is read once per host and obeyed
for Socle's User-Agent.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from service.errors import SocleError
from service.quality.links.results import LinkResult

USER_AGENT = "Socle-LinkChecker/1.0 (+https://socle.opendata.fr; DCAT catalogue link check)"
ROBOTS_AGENT = "Socle-LinkChecker"
REDIRECTS = (301, 302, 303, 307, 308)
HEAD_REFUSED = (400, 403, 405, 406, 501)  # answers of servers that do not do HEAD properly
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class CheckSettings:
    timeout: float = 10.0
    per_host: int = 2
    min_interval: float = 0.5  # seconds between two request starts on one host
    max_redirects: int = 5
    workers: int = 16
    robots: bool = True
    user_agent: str = USER_AGENT


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class _Hosts:
    """Per-host concurrency (a semaphore each) and rate (the next allowed start)."""

    def __init__(self, per_host: int, min_interval: float) -> None:
        self.per_host, self.min_interval = per_host, min_interval
        self._lock = threading.Lock()
        self._sems: dict[str, threading.Semaphore] = {}
        self._next: dict[str, float] = defaultdict(float)

    def slot(self, host: str) -> threading.Semaphore:
        with self._lock:
            return self._sems.setdefault(host, threading.BoundedSemaphore(self.per_host))

    def wait_turn(self, host: str) -> None:
        with self._lock:
            start = max(time.monotonic(), self._next[host])
            self._next[host] = start + self.min_interval
        delay = start - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class LinkChecker:
    def __init__(self, policy: object, settings: CheckSettings | None = None) -> None:
        self.policy = policy  # anything with .check(url) raising SocleError when refused
        self.settings = settings or CheckSettings()
        self.hosts = _Hosts(self.settings.per_host, self.settings.min_interval)
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._robots_lock = threading.Lock()
        self.requests = 0  # counted for tests and benchmarks
        self.max_seen: dict[str, int] = defaultdict(int)  # most requests at once per host
        self._active: dict[str, int] = defaultdict(int)
        self._count_lock = threading.Lock()

    # -- many --------------------------------------------------------------------------------
    def check_all(self, urls: Iterable[str]) -> Iterator[LinkResult]:
        """Results as they come; hosts interleaved so that one slow host does not hold every
        worker (its own limit keeps it to `per_host` of them)."""
        by_host: dict[str, list[str]] = defaultdict(list)
        for url in sorted(set(urls)):
            by_host[(urlsplit(url).hostname or "").lower()].append(url)
        order: list[str] = []
        queues = list(by_host.values())
        while queues:
            order += [q.pop(0) for q in queues]
            queues = [q for q in queues if q]
        with ThreadPoolExecutor(max_workers=self.settings.workers,
                                thread_name_prefix="linkcheck") as pool:
            yield from pool.map(self.check, order)

    # -- one ---------------------------------------------------------------------------------
    def check(self, url: str) -> LinkResult:
        at = now()
        current = url
        try:
            for _hop in range(self.settings.max_redirects + 1):
                self.policy.check(current)  # type: ignore[attr-defined]
                if not self._robots_allow(current):
                    return LinkResult(url, None, at, final_url=_other(current, url),
                                      error="robots.txt")
                status, headers = self._ask(current)
                location = headers.get("location")
                if status in REDIRECTS and location:
                    current = urljoin(current, location)
                    continue
                length = _length(headers)
                return LinkResult(url, 200 <= status < 300, at, status=status,
                                  final_url=_other(current, url),
                                  content_type=headers.get("content-type"),
                                  content_length=length)
            return LinkResult(url, False, at, final_url=_other(current, url),
                              error=f"more than {self.settings.max_redirects} redirects")
        except SocleError as err:
            return LinkResult(url, False, at, final_url=_other(current, url),
                              error=f"refused: {err.detail_en}")
        except (OSError, http.client.HTTPException, ValueError) as err:
            kind = "timeout" if isinstance(err, TimeoutError | socket.timeout) else "error"
            return LinkResult(url, False, at, final_url=_other(current, url),
                              error=f"{kind}: {err or type(err).__name__}")

    def _ask(self, url: str) -> tuple[int, dict[str, str]]:
        status, headers = self._request("HEAD", url)
        if status in HEAD_REFUSED:
            status, headers = self._request("GET", url, {"Range": "bytes=0-0"})
        return status, headers

    def _request(self, method: str, url: str, extra: dict[str, str] | None = None
                 ) -> tuple[int, dict[str, str]]:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        slot = self.hosts.slot(host)
        with slot:
            self.hosts.wait_turn(host)
            with self._count_lock:
                self.requests += 1
                self._active[host] += 1
                self.max_seen[host] = max(self.max_seen[host], self._active[host])
            try:
                conn = _connection(parts.scheme, host, parts.port, self.settings.timeout)
                try:
                    conn.request(method, path, headers={
                        "User-Agent": self.settings.user_agent, "Accept": "*/*",
                        "Accept-Encoding": "identity", **(extra or {})})
                    response = conn.getresponse()  # headers only: the body is never read
                    headers = {k.lower(): v for k, v in response.getheaders()}
                    return response.status, headers
                finally:
                    conn.close()
            finally:
                with self._count_lock:
                    self._active[host] -= 1

    # -- robots.txt --------------------------------------------------------------------------
    def _robots_allow(self, url: str) -> bool:
        if not self.settings.robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            known = origin in self._robots
            parser = self._robots.get(origin)
        if not known:
            parser = self._read_robots(origin)
            with self._robots_lock:
                self._robots[origin] = parser
        return parser is None or parser.can_fetch(ROBOTS_AGENT, url)

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """None (everything allowed) when there is no usable robots.txt, as crawlers do;
        a robots.txt answering 401/403 disallows everything (RFC 9309 says "unreachable"
        means complete disallow only for 5xx; Socle is stricter for 401/403)."""
        url = origin + "/robots.txt"
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parser = urllib.robotparser.RobotFileParser(url)
        try:
            self.policy.check(url)  # type: ignore[attr-defined]
            with self.hosts.slot(host):
                self.hosts.wait_turn(host)
                conn = _connection(parts.scheme, host, parts.port, self.settings.timeout)
                try:
                    conn.request("GET", "/robots.txt",
                                 headers={"User-Agent": self.settings.user_agent})
                    response = conn.getresponse()
                    body = response.read(ROBOTS_MAX_BYTES) if response.status == 200 else b""
                    status = response.status
                finally:
                    conn.close()
        except (SocleError, OSError, http.client.HTTPException):
            return None
        if status in (401, 403):
            parser.parse(["User-agent: *", "Disallow: /"])
            return parser
        if status != 200:
            return None
        parser.parse(body.decode("utf-8", "replace").splitlines())
        return parser


def _connection(scheme: str, host: str, port: int | None, timeout: float
                ) -> http.client.HTTPConnection:
    if scheme == "https":
        return http.client.HTTPSConnection(host, port, timeout=timeout,
                                           context=ssl.create_default_context())
    return http.client.HTTPConnection(host, port, timeout=timeout)


def _length(headers: dict[str, str]) -> int | None:
    """The resource's size: Content-Range's total for a ranged answer, else Content-Length."""
    rng = headers.get("content-range", "")
    if "/" in rng and rng.rsplit("/", 1)[1].strip().isdigit():
        return int(rng.rsplit("/", 1)[1])
    length = headers.get("content-length", "")
    return int(length) if length.strip().isdigit() else None


def _other(current: str, url: str) -> str | None:
    return current if current != url else None
