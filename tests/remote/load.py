"""Plain HTTP clients for the multi-process and restart tests: every answer is kept (status,
headers, body, duration), nothing raises, so a test can judge a whole run afterwards."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import VALID_TTL


@dataclass
class Answer:
    kind: str
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float
    started: float

    @property
    def problem_503(self) -> bool:
        return (self.status == 503
                and self.headers.get("content-type", "").startswith("application/problem+json")
                and self.headers.get("retry-after", "").isdigit())


def call(kind: str, url: str, *, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None, timeout: float = 60.0) -> Answer:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, got, data = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, got, data = exc.code, exc.headers, exc.read()
    except OSError as exc:  # no answer at all (refused, reset, timeout)
        status, got, data = 0, {}, repr(exc).encode()
    return Answer(kind, status, {k.lower(): v for k, v in dict(got).items()}, data,
                  time.monotonic() - started, started)


def record_ttl(number: int, tag: str = "charge") -> str:
    """A valid record with an identifier and title of its own."""
    return (VALID_TTL.replace('"deliberations-montfort"', f'"{tag}-{number}"')
            .replace("Délibérations du conseil municipal",
                     f"Délibérations du conseil municipal {tag} {number}"))


def sparql_url(base: str, query: str) -> str:
    return f"{base}/sparql?{urllib.parse.urlencode({'query': query})}"


@dataclass
class Loop:
    """Runs `step` in a thread until stopped, collecting its answers."""

    step: Callable[[int], Answer]
    answers: list[Answer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Loop:
        self._thread.start()
        return self

    def _run(self) -> None:
        i = 0
        while not self._stop.is_set():
            self.answers.append(self.step(i))
            i += 1
            time.sleep(0.02)

    def stop(self) -> list[Answer]:
        self._stop.set()
        self._thread.join(timeout=120)
        return self.answers
