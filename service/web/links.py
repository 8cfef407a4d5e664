"""Which values of a record may become links on a page.

Why: a record's IRIs come from curators, API clients and harvested catalogues; an IRI such as
`javascript:…` or `data:text/html,…` rendered as `<a href>` runs in the reader's session
(stored XSS). Only web, mail and FTP addresses are links; anything else is shown as text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

LINK_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})


def safe_href(value: object) -> str | None:
    """The value if it is an http(s), mailto or ftp address a browser may follow, else None."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or any(ord(c) < 0x21 for c in text):
        return None  # control characters and spaces hide schemes from simple checks
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return None
    if scheme not in LINK_SCHEMES:
        return None
    if scheme != "mailto" and not text.lower().startswith(f"{scheme}://"):
        return None
    return text
