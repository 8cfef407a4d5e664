"""Hardened HTTP: CORS on public reads, HSTS on an https instance, X-Forwarded-* behind a proxy.

- CORS: every public read (GET, HEAD, and the OPTIONS preflight) answers
  `Access-Control-Allow-Origin: *`, never with credentials, so any web page may read the
  catalogue; the curator and operator pages, login and logout get no CORS header (their
  cookies must never be usable from another origin).
- HSTS: when the stored base URL is https, every response carries Strict-Transport-Security.
- Proxy: with `SOCLE_PROXY_HOPS=N` (`--proxy-hops N`) the service trusts the last N values of
  X-Forwarded-For/-Proto/-Host/-Prefix (werkzeug's ProxyFix): client addresses in logs and login
  throttling are then the real ones. Without it those headers are ignored (a client could
  forge them).
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

PRIVATE_PREFIXES = ("/curator", "/login", "/logout", "/admin")
EXPOSED = "ETag, Last-Modified, Link, Location, Content-Type, Content-Disposition, Retry-After"
HSTS = "max-age=31536000; includeSubDomains"


def is_public_read(method: str, path: str) -> bool:
    return method in ("GET", "HEAD", "OPTIONS") and not path.startswith(PRIVATE_PREFIXES)


def init_app(app: Flask, base_url: str, proxy_hops: int = 0) -> None:
    https = base_url.startswith("https://")
    if proxy_hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxy_hops,  # type: ignore[method-assign]
                                x_proto=proxy_hops, x_host=proxy_hops, x_prefix=proxy_hops)

    @app.after_request
    def _headers(response):
        if is_public_read(request.method, request.path):
            headers = response.headers
            headers["Access-Control-Allow-Origin"] = "*"
            headers.setdefault("Access-Control-Expose-Headers", EXPOSED)
            if request.method == "OPTIONS":
                headers.setdefault("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
                headers.setdefault("Access-Control-Allow-Headers", "Accept, Content-Type")
                headers.setdefault("Access-Control-Max-Age", "86400")
        if https:
            response.headers["Strict-Transport-Security"] = HSTS
        return response
