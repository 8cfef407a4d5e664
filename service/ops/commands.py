"""The operator's commands: `socle rebase` (and the whole-instance backup and restore)."""

from __future__ import annotations

import click

from service.cli.options import data_option, guard, settings


@click.command()
@click.argument("new_url")
@click.option("--from", "old_url", default=None,
              help="The old base URL, when the data directory has none stored.")
@data_option
@guard
def rebase(new_url: str, old_url: str | None, data: str | None) -> None:
    """Move every IRI from the stored base URL to NEW_URL, in one transaction."""
    from service.ops.rebase import rebase as move
    from service.store import open_for

    store = open_for(settings(data=data))
    try:
        old, new = move(store, new_url, old_url)
    finally:
        store.close()
    click.echo(f"URL de base / base URL: {old} -> {new}")


def register_commands(cli: click.Group) -> None:
    cli.add_command(rebase)
