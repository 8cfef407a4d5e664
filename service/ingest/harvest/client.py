"""One page over HTTP under a Policy: timeout, size bound, retries with backoff, and redirects
only to URLs the policy also accepts (each hop checked, at most MAX_REDIRECTS)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from service.errors import SocleError
from service.ingest.harvest.policy import Policy

MAX_REDIRECTS = 3
ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
          "application/n-triples;q=0.7, */*;q=0.1")
USER_AGENT = "Socle-harvester (+https://socle.opendata.fr)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchError(SocleError):
    """A page could not be fetched (after retries): the run stops, nothing is withdrawn."""

    status = 502
    title = "Harvest source unavailable"
    type_slug = "harvest-fetch-failed"


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


def get(url: str, policy: Policy, sleep: Callable[[float], None] = time.sleep) -> Response:
    """GET url; transient failures (timeouts, resets, 429, 5xx) are retried with backoff."""
    limits = policy.limits
    opener = urllib.request.build_opener(_CheckedRedirect(policy))
    last = ""
    for attempt in range(1, limits.retries + 2):
        policy.check(url)
        request = urllib.request.Request(url, headers={"Accept": ACCEPT,
                                                       "User-Agent": USER_AGENT})
        try:
            with opener.open(request, timeout=limits.timeout) as answer:
                body = answer.read(limits.max_page_bytes + 1)
                if len(body) > limits.max_page_bytes:
                    raise FetchError(
                        f"Page trop volumineuse (> {limits.max_page_bytes} octets) : {url}.",
                        f"Page too large (> {limits.max_page_bytes} bytes): {url}.", url=url)
                return Response(answer.geturl(), body, answer.headers.get("Content-Type"),
                                attempt)
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if exc.code not in RETRY_STATUSES:
                break
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            last = str(reason) or type(reason).__name__
            if isinstance(reason, SocleError):  # a redirect the policy refused
                raise reason from None
        if attempt <= limits.retries:
            sleep(limits.backoff * 2 ** (attempt - 1))
    raise FetchError(f"Téléchargement impossible : {url} ({last}).",
                     f"Download failed: {url} ({last}).", url=url)
