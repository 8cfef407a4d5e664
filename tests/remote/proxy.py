"""A small TCP proxy on 127.0.0.1 that breaks chosen connections, to test what a SparqlStore does
when the network fails in the middle of a write.

Every HTTP request the store sends is one connection (urllib closes it after the response), so
a fault applies to whole requests: the proxy reads the request head, and when a `Fault` matches
its request line (e.g. b"/update") it either
- `cut_request`: forwards only part of the request to the server, then closes both sides (the
  server sees a truncated body; the client a reset or an empty answer), or
- `drop_response`: forwards the whole request, waits for the server's first response bytes (the
  server has applied the update by then) and closes the client without passing them on: the
  client cannot know the update was applied and retries it.
Request bodies of matching requests are kept in `captured`, so a test can replay one.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from dataclasses import dataclass, field

HEAD_END = b"\r\n\r\n"


@dataclass
class Fault:
    """What to do to requests whose request line contains `match`; `times` connections at most
    (None: every one). `fraction` of the body is forwarded before a cut_request."""

    mode: str = "cut_request"  # or "drop_response"
    match: bytes = b"/update"
    fraction: float = 0.5
    times: int | None = None
    hits: int = 0

    def take(self, request_line: bytes) -> bool:
        if self.match not in request_line:
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        self.hits += 1
        return True


@dataclass
class Proxy:
    """Forward 127.0.0.1:<port> to 127.0.0.1:<upstream>; see the module docstring."""

    upstream: int
    fault: Fault | None = None
    captured: list[bytes] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="proxy-accept").start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._closed = True
        self._listener.close()

    # -- internals -----------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            head, rest = _read_head(client)
            if head is None:
                client.close()
                return
            length = _content_length(head)
            body = rest
            while len(body) < length:
                chunk = client.recv(65536)
                if not chunk:
                    break
                body += chunk
            with self._lock:
                fault = self.fault if self.fault and self.fault.take(head.split(b"\r\n")[0]) \
                    else None
                if self.fault and self.fault.match in head.split(b"\r\n")[0]:
                    self.captured.append(body)
            upstream = socket.create_connection(("127.0.0.1", self.upstream), timeout=30)
            if fault and fault.mode == "cut_request":
                upstream.sendall((head + body)[:len(head) + int(len(body) * fault.fraction)])
                _hard_close(upstream)
                _hard_close(client)
                return
            upstream.sendall(head + body)
            if fault and fault.mode == "drop_response":
                upstream.recv(1)  # the server answered: the update is applied
                _hard_close(client)
                upstream.close()
                return
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                client.sendall(chunk)
            upstream.close()
            client.close()
        except OSError:
            _hard_close(client)


def _read_head(sock: socket.socket) -> tuple[bytes | None, bytes]:
    data = b""
    while HEAD_END not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    end = data.index(HEAD_END) + len(HEAD_END)
    return data[:end], data[end:]


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _hard_close(sock: socket.socket) -> None:
    """Close with a reset (SO_LINGER 0): the peer sees the connection cut, not a clean end."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
