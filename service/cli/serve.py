"""`socle serve`: the HTTP API and pages on waitress."""

from __future__ import annotations

import atexit
import signal
import threading

import click

from service.cli.options import base_option, data_option, guard, settings, store_options

OUTBUF_OVERFLOW = 4 * 1024 * 1024  # bytes of a response waitress keeps in memory (below)


@click.command()
@click.option("--host", envvar="SOCLE_HOST", default=None, help="Bind address [127.0.0.1].")
@click.option("--port", envvar="SOCLE_PORT", type=int, default=None, help="Port [8000].")
@data_option
@base_option
@click.option("--demo", envvar="SOCLE_DEMO", is_flag=True, default=None,
              help="Load the demo catalogue at start (idempotent).")
@click.option("--threads", envvar="SOCLE_THREADS", type=int, default=None,
              help="Worker threads [8].")
@click.option("--proxy-hops", envvar="SOCLE_PROXY_HOPS", type=int, default=None,
              help="Proxies in front whose X-Forwarded-* values to trust [0: none].")
@store_options
@guard
def serve(host, port, data, base_url, demo, threads, proxy_hops, **store) -> None:
    """Serve the HTTP API and pages (embedded store: one process, threads)."""
    from service.app import create_app
    from service.http_server import serve as waitress_serve  # problem+json errors too
    from service.services import services_of

    chosen = settings(host=host, port=port, data=data, base_url=base_url, demo=demo,
                      threads=threads, proxy_hops=proxy_hops, **store)
    from service.ops.logs import configure as json_logs

    json_logs()  # JSON lines on stdout (docs/operations.md, "Logs")
    app = create_app(chosen)
    chosen = services_of(app).settings  # with the stored base URL
    from service.ops import admin

    root = click.get_current_context().find_root().command
    assert isinstance(root, click.Group)
    channel = admin.start(services_of(app), root)  # other `socle` commands run in this process
    if channel is not None:
        atexit.register(channel.stop)  # before the services close (atexit runs backwards)
    threading.Thread(target=services_of(app).warm, name="warm", daemon=True).start()
    from service.quality.links.job import start as start_link_checks

    start_link_checks(services_of(app))  # every SOCLE_LINKCHECK_INTERVAL_HOURS (0: never)
    click.echo(f"Socle sur / on http://{chosen.host}:{chosen.port} "
               f"(données / data: {chosen.data}, base: {chosen.base_url})", err=True)
    # SIGTERM (docker stop, systemd, PID 1 in a container) ends like Ctrl-C: waitress stops
    # accepting, lets running requests finish, then atexit closes the admin socket and
    # flushes the store. Without this the default action kills the process on the spot.
    signal.signal(signal.SIGTERM, _terminate)
    waitress_serve(app, host=chosen.host, port=chosen.port, threads=chosen.threads,
                   ident="socle",
                   # A response body over this stays in memory; over it waitress spills it to
                   # a temporary file: its default (1 MB) sent every N-Triples feed page
                   # (~1.2 MB) through the disk (docs/benchmarks.md, "Pages at 100,000").
                   outbuf_overflow=OUTBUF_OVERFLOW,
                   # Above this waitress answers 413 itself (problem+json: http_server.py);
                   # below it the app answers problem+json without reading the body (it
                   # checks Content-Length first).
                   max_request_body_size=max(100 * 1024 * 1024, 2 * chosen.max_body_bytes))


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(0)


def register_commands(cli: click.Group) -> None:
    cli.add_command(serve)
