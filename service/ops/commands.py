"""The operator's commands: `socle rebase` (and the whole-instance backup and restore)."""

from __future__ import annotations

import click


@click.command()
@click.argument("new_url")
@click.option("--from", "old_url", default=None,
              help="The old base URL, when the data directory has none stored.")
@click.option("--data", envvar="SOCLE_DATA", default=None,
              help="Data directory of the embedded store [./socle-data].")
def rebase(new_url: str, old_url: str | None, data: str | None) -> None:
    """Move every IRI from the stored base URL to NEW_URL, in one transaction."""
    from service.cli import _guard, _settings
    from service.ops.rebase import rebase as move
    from service.store import open_for

    @_guard
    def run() -> None:
        store = open_for(_settings(data=data))
        try:
            old, new = move(store, new_url, old_url)
        finally:
            store.close()
        click.echo(f"URL de base / base URL: {old} -> {new}")

    run()
