"""What the harvester may fetch, and how much: the operator's allow-list and limits.

A source URL comes from a curator or a stored source; the pages after it come from the source's
own Hydra links. Both must pass `Policy.check`, so a catalogue can never make Socle probe the
internal network: private and loopback addresses are refused unless the operator allowed them,
either all at once (`allow_private`) or one address/network at a time in the allow-list.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from fnmatch import fnmatch
from urllib.parse import urlsplit

from service.errors import SocleError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Refused(SocleError):
    """The policy refuses a URL (scheme, host not allowed, private address)."""

    status = 403
    title = "URL refused by the harvest policy"
    type_slug = "harvest-url-refused"


@dataclass(frozen=True)
class Limits:
    """Per-run bounds; every one is a setting (SOCLE_HARVEST_*) and a CLI option."""

    max_pages: int = 1000
    max_page_bytes: int = 50 * 1024 * 1024
    max_seconds: float = 3600.0
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0  # seconds before the first retry, doubled at each next one


@dataclass(frozen=True)
class Policy:
    """allow: host patterns (``data.example.fr``, ``*.opendatasoft.com``) and IP addresses or
    networks (``127.0.0.1``, ``10.0.0.0/8``). Empty: any public host. A listed address or
    network is also allowed when private or loopback."""

    allow: tuple[str, ...] = ()
    allow_private: bool = False
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_text(cls, allow: str | None, *, allow_private: bool = False,
                  limits: Limits | None = None) -> Policy:
        entries = tuple(e.strip() for e in (allow or "").split(",") if e.strip())
        return cls(entries, allow_private, limits or Limits())

    @property
    def networks(self) -> list[Network]:
        nets = []
        for entry in self.allow:
            try:
                nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                continue
        return nets

    @property
    def host_patterns(self) -> list[str]:
        nets = {str(n) for n in self.networks}
        return [e.lower() for e in self.allow
                if e not in nets and not _is_address(e)]

    def check(self, url: str) -> None:
        """Raise Refused unless url may be fetched now (resolves the host name)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused(f"URL non prise en charge : {url} (http ou https attendu).",
                          f"Unsupported URL: {url} (http or https expected).")
        refuse_credentials(url, Refused)
        host = parts.hostname.lower()
        addresses = _resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
        nets = self.networks
        listed = [a for a in addresses if any(a in n for n in nets)]
        if self.allow and not listed and not any(fnmatch(host, p) for p in self.host_patterns):
            raise Refused(
                f"Hôte absent de la liste autorisée : {host} (SOCLE_HARVEST_ALLOW).",
                f"Host not in the allow-list: {host} (SOCLE_HARVEST_ALLOW).", host=host)
        for address in addresses:
            if is_public_address(address) or self.allow_private or address in listed:
                continue
            raise Refused(
                f"Adresse privée ou locale refusée ({address}) : l'opérateur doit l'autoriser "
                "(--allow-private ou SOCLE_HARVEST_ALLOW).",
                f"Private or local address refused ({address}): the operator must allow it "
                "(--allow-private or SOCLE_HARVEST_ALLOW).", address=str(address))


def has_credentials(url: str) -> bool:
    """User-info in the authority (``user:pw@``, ``user@``, even an empty ``@``)."""
    return "@" in urlsplit(url.strip()).netloc


def refuse_credentials(url: str, error: type[SocleError] = SocleError) -> None:
    """Sources, their URLs and run reports are public (GET /publishers/{id}/harvest, /sparql):
    a URL carrying a user name or password is refused where it is entered, without echoing
    it back."""
    if has_credentials(url):
        raise error(
            "Adresse refusée : elle contient des identifiants (utilisateur:mot-de-passe@…). "
            "Les sources de moissonnage sont publiques (API, SPARQL) : donnez l'adresse sans "
            "identifiants ; les sources protégées par mot de passe ne sont pas prises en "
            "charge.",
            "URL refused: it carries credentials (user:password@…). Harvest sources are public "
            "(API, SPARQL): give the URL without credentials; password-protected sources are "
            "not supported.")


# IPv6 forms that carry an IPv4 address a gateway will reach: NAT64 (RFC 6052, and RFC 8215's
# local-use prefix) and 6to4 (RFC 3056). Python calls most of them global whatever they embed.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address
                  ) -> ipaddress.IPv4Address | None:
    if address.version != 6:
        return None
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Global, and so is the IPv4 address it embeds (64:ff9b::7f00:1 is loopback via NAT64)."""
    inner = embedded_ipv4(address)
    return address.is_global and (inner is None or inner.is_global)


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise Refused(f"Hôte introuvable : {host}.", f"Unknown host: {host} ({exc}).") from None
    return sorted({ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}, key=str)
