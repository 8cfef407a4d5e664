"""A real HTTP server on 127.0.0.1 for the link checker: statuses, redirects, slow answers,
HEAD refused, huge bodies, robots.txt; it logs every request and counts concurrency and the
bytes it managed to send."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    content_type: str = "text/csv"
    size: int = 10
    delay: float = 0.0
    location: str | None = None
    head_status: int | None = None  # e.g. 405: HEAD refused, GET works
    body: bytes | None = None  # sent as is (else `size` bytes of "x")


@dataclass
class Server:
    routes: dict[str, Answer] = field(default_factory=dict)
    log: list[tuple[str, str, dict]] = field(default_factory=list)
    sent: int = 0
    active: int = 0
    max_active: int = 0

    def __post_init__(self) -> None:
        server = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self, head: bool) -> None:
                with lock:
                    server.log.append((self.command, self.path, dict(self.headers)))
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                answer = server.routes.get(self.path) or Answer(status=404, size=0)
                try:
                    if answer.delay:
                        time.sleep(answer.delay)
                finally:
                    with lock:  # counted until the answer starts: the client waits for it
                        server.active -= 1
                self._send(head, answer)

            def _send(self, head: bool, answer: Answer) -> None:
                status = answer.head_status if head and answer.head_status else answer.status
                self.send_response(status)
                if answer.location:
                    self.send_header("Location", answer.location)
                self.send_header("Content-Type", answer.content_type)
                size = len(answer.body) if answer.body is not None else answer.size
                self.send_header("Content-Length", str(size))
                self.end_headers()
                if head or status >= 300:
                    return
                if answer.body is not None:
                    self.wfile.write(answer.body)
                    return
                chunk = b"x" * 65536
                left = answer.size
                try:
                    while left > 0:
                        part = chunk[:min(left, len(chunk))]
                        self.wfile.write(part)
                        with lock:
                            server.sent += len(part)
                        left -= len(part)
                except OSError:
                    pass  # the client closed: what we want for huge bodies

            def do_GET(self) -> None:  # noqa: N802
                self._answer(False)

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(True)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a slow answer must not hold the test
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requested(self, path: str) -> list[str]:
        return [method for method, p, _ in self.log if p == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
