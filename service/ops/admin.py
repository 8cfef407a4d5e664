"""Administration while serving: CLI commands run inside the running server.

The embedded store admits one writer process, so while `socle serve` runs every other `socle`
command would find the data directory locked. The server therefore listens on a Unix socket in
the data directory (`<data>/socle-admin.sock`, mode 600: only the account that runs the
server — or root — may connect, which is the same right as reading the store's files), and a
command that finds the store locked sends its arguments there instead. The server runs the
very same click command in its own process, on its live services (same store, same records
service, so the feed and search indexes follow), and sends back the exit code, standard
output and standard error. Nothing restarts; requests keep being served.

Commands that write run one at a time. Commands that only read the store (`READ_ONLY`:
`export`, `backup`, which may take minutes on a large store) run beside them: a backup never
delays a `token create`. Neither kind blocks the server's own requests: the store's dump reads
one snapshot while writes go on. Each command's standard streams are its own (a per-thread
routing of sys.stdin/stdout/stderr, installed while the admin socket listens).

Protocol (one connection per command): the client sends one JSON line
`{"argv": [...], "stdin": base64}`; the server answers one JSON line `{"code": int,
"stderr": str, "stdout_bytes": int}` followed by that many bytes of standard output.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import os
import socket
import socketserver
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import click

SOCKET_NAME = "socle-admin.sock"
log = logging.getLogger("socle.admin")
_context = threading.local()
_one_at_a_time = threading.Lock()
# Commands that cannot run inside the server: they replace what it holds in memory.
REFUSED = {"serve": "the server is already running", "rebase": "stop the server first"}
# Commands that only read the store: they run beside the others (see the module docstring).
READ_ONLY = frozenset({"export", "backup"})


def socket_path(data_dir: str) -> str:
    return os.path.join(data_dir, SOCKET_NAME)


def live() -> Any:
    """The server's services while an admin command runs in this thread, else None."""
    return getattr(_context, "services", None)


def live_settings(settings: Any) -> Any:
    """Settings of a command run by the server: its live store instead of opening one."""
    svc = live()
    return settings if svc is None else replace(settings, store=svc.store, data=svc.settings.data)


def live_services() -> Any:
    """The server's services for a command run by the server (never closed by it)."""
    svc = live()
    return None if svc is None else replace(svc, sparql=None, _owns_store=False)


class _Routed:
    """Stands for sys.stdin/stdout/stderr: the admin command's own stream in a thread running
    one, the process's real stream anywhere else (attributes are looked up at each use, so
    `sys.stdout.buffer` is the command's buffer)."""

    def __init__(self, name: str, real: Any) -> None:
        self._name, self._real = name, real

    def _target(self) -> Any:
        streams = getattr(_context, "streams", None)
        return self._real if streams is None else streams[self._name]

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._target(), attr)

    def __iter__(self) -> Iterator[str]:
        return iter(self._target())


_STREAMS = ("stdin", "stdout", "stderr")
_routing_lock = threading.Lock()
_routing_users = 0


def _route_streams(on: bool) -> None:
    """Install (or, with the last user gone, remove) the per-thread routing of sys streams."""
    global _routing_users
    with _routing_lock:
        _routing_users += 1 if on else -1
        for name in _STREAMS:
            current = getattr(sys, name)
            if _routing_users > 0 and not isinstance(current, _Routed):
                setattr(sys, name, _Routed(name, current))
            elif _routing_users <= 0 and isinstance(current, _Routed):
                setattr(sys, name, current._real)
        _routing_users = max(_routing_users, 0)


@contextmanager
def _captured(stdin: bytes) -> Iterator[tuple[io.BytesIO, io.StringIO]]:
    """The command's standard streams, for this thread only (the server's logs keep going to
    the real standard output: their handler holds it)."""
    out, err = io.BytesIO(), io.StringIO()
    text_out = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    _route_streams(True)
    _context.streams = {"stdin": io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
                        "stdout": text_out, "stderr": err}
    try:
        yield out, err
    finally:
        _context.streams = None
        _route_streams(False)
        text_out.flush()
        text_out.detach()  # else closing the wrapper (when collected) would close `out`


def run_command(services: Any, main: click.Group, argv: list[str],
                stdin: bytes = b"") -> tuple[int, bytes, str]:
    """Run `socle ARGV` (the group `main`, handed over by `socle serve`: this module does not
    import the command line it serves) in this process on `services`; (exit code, stdout,
    stderr)."""

    if argv and argv[0] in REFUSED:
        why = REFUSED[argv[0]]
        return 2, b"", (f"Erreur : « socle {argv[0]} » ne peut pas passer par le serveur en "
                        f"marche ({why}).\nError: `socle {argv[0]}` cannot run through the "
                        f"running server ({why}).\n")
    read_only = bool(argv) and argv[0] in READ_ONLY
    turn = contextlib.nullcontext() if read_only else _one_at_a_time
    with turn, _captured(stdin) as (out, err):
        _context.services = services
        code = 0
        try:
            main.main(args=argv, prog_name="socle", standalone_mode=True)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None
                                                                   else 1)
        except Exception:  # noqa: BLE001 - a failing command must not take the server down
            log.exception("admin command failed")
            err.write("Erreur interne / internal error (see the server's log).\n")
            code = 1
        finally:
            _context.services = None
    if not read_only:
        for index in (services.feed_index, services.search):
            if index is not None:  # restores and territory commands write around the records
                index.invalidate()  # service: the read models rebuild on their next read
    return code, out.getvalue(), err.getvalue()


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        try:
            request = json.loads(self.rfile.readline(16 * 1024 * 1024))
            argv = [str(a) for a in request["argv"]]
            stdin = base64.b64decode(request.get("stdin", ""))
        except (ValueError, KeyError, TypeError):
            self.wfile.write(b'{"code": 2, "stderr": "bad admin request\\n", "stdout_bytes": 0}\n')
            return
        log.info("admin command", extra={"fields": {"event": "admin_command",
                                                    "command": argv[:2]}})
        code, out, err = run_command(self.server.services, self.server.cli, argv, stdin)  # type: ignore[attr-defined]
        header = {"code": code, "stderr": err, "stdout_bytes": len(out)}
        with contextlib.suppress(BrokenPipeError):  # the client went away: nothing to tell
            self.wfile.write(json.dumps(header).encode("utf-8") + b"\n")
            self.wfile.write(out)


class AdminServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str, services: Any, cli: click.Group) -> None:
        self.services = services
        self.cli = cli
        if os.path.exists(path):
            os.unlink(path)  # left by a killed server: the store lock proves none is running
        old = os.umask(0o177)  # the socket is created 600: no window where others could connect
        try:
            super().__init__(path, _Handler)
        finally:
            os.umask(old)

    def start(self) -> AdminServer:
        threading.Thread(target=self.serve_forever, name="admin-socket", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        with contextlib.suppress(OSError):
            os.unlink(self.server_address)  # type: ignore[arg-type]


def start(services: Any, cli: click.Group) -> AdminServer | None:
    """Listen for admin commands beside the embedded store (an external store needs none:
    commands open it themselves)."""
    path = services.store.path
    if not path or services.settings.store_url:
        return None
    server = AdminServer(socket_path(path), services, cli)
    real_close = services.store.close
    services.store.close = lambda: None  # commands run here close "their" store: the server's
    stop = server.stop

    def stop_and_restore() -> None:
        stop()
        services.store.close = real_close

    server.stop = stop_and_restore  # type: ignore[method-assign]
    return server.start()


def forward(data_dir: str, argv: list[str], stdin: bytes = b"") -> int | None:
    """Run `argv` in the server that holds `data_dir`; its exit code, or None when no server
    answers there. Standard output and error are copied to ours."""
    path = socket_path(data_dir)
    if not os.path.exists(path):
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    with sock, sock.makefile("rwb") as stream:
        stream.write(json.dumps({"argv": argv, "stdin": base64.b64encode(stdin).decode()})
                     .encode("utf-8") + b"\n")
        stream.flush()
        header = json.loads(stream.readline())
        remaining = int(header["stdout_bytes"])
        while remaining:
            chunk = stream.read(min(remaining, 1 << 20))
            if not chunk:
                break
            sys.stdout.buffer.write(chunk)
            remaining -= len(chunk)
        sys.stdout.flush()
        sys.stderr.write(header["stderr"])
        return int(header["code"])


class ArgvGroup(click.Group):
    """The root group, keeping its arguments as given (`ctx.meta["socle_argv"]`): a command
    that finds the store locked re-sends exactly those to the server (also when run through
    click's test runner, where sys.argv is not the command's)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["socle_argv"] = list(args)
        return super().parse_args(ctx, args)


def given_argv() -> list[str]:
    ctx = click.get_current_context(silent=True)
    argv = ctx.meta.get("socle_argv") if ctx is not None else None
    return list(argv) if argv is not None else sys.argv[1:]


def client_argv(argv: list[str]) -> list[str]:
    """The arguments as the server must see them: files named relative to our working
    directory made absolute (the server has its own)."""
    return [os.path.abspath(a) if not a.startswith("-") and not os.path.isabs(a)
            and os.path.isfile(a) else a for a in argv]


def client_stdin(argv: list[str]) -> bytes:
    """What to send as standard input: only `curator add` reads it (the password's line),
    prompted here from a terminal (the server has none)."""
    if argv[:2] != ["curator", "add"]:
        return b""  # no other command reads standard input
    if not sys.stdin.isatty():
        return sys.stdin.buffer.readline()
    password = click.prompt("Mot de passe / password", hide_input=True,
                            confirmation_prompt=True, err=True)
    return (password + "\n").encode("utf-8")
