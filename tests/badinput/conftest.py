"""Guards for the hostile-input corpus: no request may reach the network or read a file."""

from __future__ import annotations

import socket
import sys
import urllib.request

import pytest

from tests import backends

_WATCH = {"active": False, "events": []}
# On a remote backend (tests/backends.py) the service's own store server is not "outside".
_STORE = backends.store_addresses()
_STORE_URLS = tuple(f"http://{host}:{port}/" for host, port in _STORE)


def _to_store(event: str, args: tuple) -> bool:
    if event == "socket.connect":
        address = args[1] if len(args) > 1 else None
    elif event == "socket.getaddrinfo":
        address = args[:2]
    else:  # urllib.Request: (url, data, headers, method)
        return bool(args) and str(args[0]).startswith(_STORE_URLS)
    return isinstance(address, tuple) and tuple(address[:2]) in _STORE
_PYTHON = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path} - {"", "/"})


def _audit(event: str, args: tuple) -> None:
    if not _WATCH["active"]:
        return
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        if _to_store(event, args):
            return
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

    def guard(original, address_of):
        def refuse(*args, **kwargs):
            address = address_of(args)
            if _STORE and (address in _STORE or str(address).startswith(_STORE_URLS)):
                return original(*args, **kwargs)
            raise NetworkTouched(f"network access attempted: {args!r}")
        return refuse

    def sock_address(args):
        return tuple(args[1][:2]) if len(args) > 1 and isinstance(args[1], tuple) else None

    def url_of(args):
        return getattr(args[0], "full_url", args[0]) if args else None

    monkeypatch.setattr(socket.socket, "connect", guard(socket.socket.connect, sock_address))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(socket.socket.connect_ex, sock_address))
    monkeypatch.setattr(socket, "create_connection", guard(
        socket.create_connection, lambda a: tuple(a[0][:2]) if a else None))
    monkeypatch.setattr(urllib.request, "urlopen", guard(urllib.request.urlopen, url_of))
    _WATCH["events"] = []
    _WATCH["active"] = True
    try:
        yield _WATCH["events"]
    finally:
        _WATCH["active"] = False


def pytest_terminal_summary(terminalreporter) -> None:
    from tests.badinput.summary import SUMMARY

    lines = SUMMARY.lines()
    if lines:
        terminalreporter.section("hostile-input summary (tests/badinput)")
        for line in lines:
            terminalreporter.write_line(line)
