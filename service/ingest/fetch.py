"""Fetching a document over HTTP for import: bounded, and never to private addresses unless the
operator allows it (a catalogue URL must not turn Socle into a probe of the internal network).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from urllib.parse import urlsplit

from service.errors import SocleError
from service.ingest.harvest.policy import is_public_address

MAX_BYTES = 50 * 1024 * 1024
TIMEOUT = 30


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        check_url(newurl, allow_private=getattr(req, "allow_private", False))
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.allow_private = getattr(req, "allow_private", False)  # type: ignore[attr-defined]
        return new


def check_url(url: str, *, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SocleError(f"URL non prise en charge : {url} (http ou https attendu).",
                         f"Unsupported URL: {url} (http or https expected).")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 80)
    except socket.gaierror as exc:
        raise SocleError(f"Hôte introuvable : {parts.hostname}.",
                         f"Unknown host: {parts.hostname} ({exc}).") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not is_public_address(address):  # NAT64/6to4 forms of private ones too
            raise SocleError(
                f"Adresse privée ou locale refusée ({address}) : l'opérateur doit l'autoriser "
                "(--allow-private).",
                f"Private or local address refused ({address}): the operator must allow it "
                "(--allow-private).",
            )


def fetch(url: str, *, allow_private: bool = False) -> tuple[bytes, str | None]:
    """The body and Content-Type of url."""
    check_url(url, allow_private=allow_private)
    request = urllib.request.Request(url, headers={
        "Accept": "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, "
                  "application/n-triples;q=0.7, text/csv;q=0.5",
        "User-Agent": "Socle (+https://socle.opendata.fr)"})
    request.allow_private = allow_private  # type: ignore[attr-defined]
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            data = response.read(MAX_BYTES + 1)
            content_type = response.headers.get("Content-Type")
    except OSError as exc:
        raise SocleError(f"Téléchargement impossible : {url} ({exc}).",
                         f"Download failed: {url} ({exc}).") from None
    if len(data) > MAX_BYTES:
        raise SocleError(f"Document trop volumineux (> {MAX_BYTES} octets).",
                         f"Document too large (> {MAX_BYTES} bytes).")
    return data, content_type
