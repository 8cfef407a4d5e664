"""A small real HTTP server on 127.0.0.1 serving documents from memory, for harvest tests.

Routes map a path *with its query string* to a body and a Content-Type; a route can be made
to fail a number of times (retries), to answer slowly (timeouts) or to redirect. Every request
is logged, so tests can prove what was (and was not) fetched.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Content-Type by file suffix: the same answers for Socle and for udata's harvester.
CONTENT_TYPES = {
    "ttl": "text/turtle; charset=utf-8",
    "rdf": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
    "nt": "application/n-triples",
}


@dataclass
class Route:
    body: bytes
    content_type: str
    failures: int = 0  # answer `fail_status` this many times first
    fail_status: int = 503
    delay: float = 0.0
    location: str | None = None  # answer 302 to this URL
    # Misbehaving servers: stop after `cut_at` body bytes (the Content-Length still announces
    # the whole body), send the body one byte every `drip` seconds, or send it chunked.
    cut_at: int | None = None
    drip: float = 0.0
    chunked: bool = False


@dataclass
class Site:
    host: str = "127.0.0.1"
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, with_body: bool) -> None:
                site.log.append((self.command, self.path))
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.failures > 0:
                    route.failures -= 1
                    self.send_error(route.fail_status)
                    return
                if route.location:
                    self.send_response(302)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", route.content_type)
                if route.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if with_body:
                    self._body(route)

            def _body(self, route: Route) -> None:
                body = route.body if route.cut_at is None else route.body[:route.cut_at]
                if route.chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(body), body))
                    if route.cut_at is None:
                        self.wfile.write(b"0\r\n\r\n")
                elif route.drip:
                    for i in range(len(body)):
                        try:
                            self.wfile.write(body[i:i + 1])
                            self.wfile.flush()
                        except OSError:  # the client gave up: what the test expects
                            return
                        time.sleep(route.drip)
                else:
                    self.wfile.write(body)
                self.close_connection = True

            def do_GET(self) -> None:  # noqa: N802
                self._answer(True)

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(False)

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str, content_type: str | None = None,
            **options) -> str:
        """Serve body at path (with query string); returns the absolute URL."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        suffix = path.split("?")[0].rsplit(".", 1)[-1]
        self.routes[path] = Route(body, content_type or CONTENT_TYPES.get(
            suffix, "application/octet-stream"), **options)
        return self.url(path)

    def add_file(self, path: str, file: Path, rewrite: dict[str, str] | None = None,
                 content_type: str | None = None) -> str:
        body = file.read_bytes()
        for old, new in (rewrite or {}).items():
            body = body.replace(old.encode(), new.encode())
        return self.add(path, body, content_type or CONTENT_TYPES.get(file.suffix[1:]))

    def fetched(self, path: str) -> int:
        return sum(1 for method, p in self.log if method == "GET" and p == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
