"""Fetching a document over HTTP for import or validation (`socle import URL`, `socle validate
URL`, an SCDL catalogue by URL): the harvester's fetcher (`ingest/harvest/client.py`) with the
limits of one operator-requested document.

So both get the same guarantees: never to private addresses unless the operator allows it (a
catalogue URL must not turn Socle into a probe of the internal network), each redirect hop
checked, no URL carrying credentials, a wall-clock bound per attempt (a server dripping bytes
cannot hold the command), complete bodies only, and retries after transient failures.
"""

from __future__ import annotations

from service.ingest.harvest import client
from service.ingest.harvest.policy import Limits, Policy

MAX_BYTES = 50 * 1024 * 1024
# Wall-clock seconds per attempt, connection to last byte: a 50 MB document at 0.5 MB/s.
TIMEOUT = 120.0
LIMITS = Limits(max_page_bytes=MAX_BYTES, timeout=TIMEOUT, retries=1, backoff=1.0)
ACCEPT = ("text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
          "application/n-triples;q=0.7, text/csv;q=0.5")


def fetch(url: str, *, allow_private: bool = False) -> tuple[bytes, str | None]:
    """The body and Content-Type of url (a SocleError, with what went wrong, otherwise)."""
    answer = client.get(url, Policy(allow_private=allow_private, limits=LIMITS),
                        accept=ACCEPT)
    return answer.body, answer.content_type
