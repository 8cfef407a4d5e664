"""Security headers on every response, set in one place.

Why: records carry links written by anyone with a token or a harvested catalogue, so the pages
must not run a script that came with the data. Links are filtered when rendered (`links.py`);
the Content-Security-Policy is the second wall: scripts and styles only from this origin
(`script-src 'self'`: no inline script, no `javascript:` URL, no `eval`), nothing framed,
nothing posted elsewhere. JSON-LD and JSON data blocks (`<script type="application/…json">`)
are not scripts and need no exception.

HSTS, CORS and proxy headers belong to the operations layer, not here. A view that needs
another policy sets its own header first: these are defaults (`setdefault`).
"""

from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
