"""`socle serve`: the HTTP API and pages on waitress."""

from __future__ import annotations

import threading

import click

from service.cli.options import base_option, data_option, guard, settings, store_options


@click.command()
@click.option("--host", envvar="SOCLE_HOST", default=None, help="Bind address [127.0.0.1].")
@click.option("--port", envvar="SOCLE_PORT", type=int, default=None, help="Port [8000].")
@data_option
@base_option
@click.option("--demo", envvar="SOCLE_DEMO", is_flag=True, default=None,
              help="Load the demo catalogue at start (idempotent).")
@click.option("--threads", envvar="SOCLE_THREADS", type=int, default=None,
              help="Worker threads [8].")
@store_options
@guard
def serve(host, port, data, base_url, demo, threads, **store) -> None:
    """Serve the HTTP API and pages (embedded store: one process, threads)."""
    from waitress import serve as waitress_serve

    from service.app import create_app
    from service.services import services_of

    chosen = settings(host=host, port=port, data=data, base_url=base_url, demo=demo,
                      threads=threads, **store)
    from service.ops.logs import configure as json_logs

    json_logs()  # JSON lines on stdout (docs/operations.md, "Logs")
    app = create_app(chosen)
    chosen = services_of(app).settings  # with the stored base URL
    threading.Thread(target=services_of(app).warm, name="warm", daemon=True).start()
    click.echo(f"Socle sur / on http://{chosen.host}:{chosen.port} "
               f"(données / data: {chosen.data}, base: {chosen.base_url})", err=True)
    waitress_serve(app, host=chosen.host, port=chosen.port, threads=chosen.threads,
                   ident="socle",
                   # Above this waitress answers a plain 413 itself; below it the app answers
                   # problem+json without reading the body (it checks Content-Length first).
                   max_request_body_size=max(100 * 1024 * 1024, 2 * chosen.max_body_bytes))


def register_commands(cli: click.Group) -> None:
    cli.add_command(serve)
