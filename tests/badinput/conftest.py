"""Guards for the hostile-input corpus: no request may reach the network or read a file."""

from __future__ import annotations

import socket
import sys
import urllib.request

import pytest

_WATCH = {"active": False, "events": []}
_PYTHON = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path} - {"", "/"})


def _audit(event: str, args: tuple) -> None:
    if not _WATCH["active"]:
        return
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        _WATCH["events"].append((event, repr(args)[:200]))
    elif event == "open" and args and isinstance(args[0], str | bytes):
        path = args[0].decode() if isinstance(args[0], bytes) else args[0]
        if path.startswith(_PYTHON):  # lazy imports of the standard library / packages
            return
        if path.startswith(("/etc/", "/proc/", "/root/", "/home/")) or "passwd" in path:
            _WATCH["events"].append((event, path))


sys.addaudithook(_audit)  # audit hooks cannot be removed: this one only acts while watching


class NetworkTouched(AssertionError):
    pass


@pytest.fixture
def no_outside_access(monkeypatch):
    """Fail on any socket connect / urlopen, and record file opens outside the test area."""

    def refuse(*args, **kwargs):
        raise NetworkTouched(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    _WATCH["events"] = []
    _WATCH["active"] = True
    try:
        yield _WATCH["events"]
    finally:
        _WATCH["active"] = False
