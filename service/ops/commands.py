"""The operator's commands: `socle rebase` (and the whole-instance backup and restore)."""

from __future__ import annotations

import os

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
    from service.derived.registry import mark_stale
    from service.ops.rebase import rebase as move
    from service.store import open_for

    store = open_for(settings(data=data))
    try:
        old, new = move(store, new_url, old_url)
        if old != new:
            mark_stale(store)  # the derived indexes hold the old IRIs
    finally:
        store.close()
    click.echo(f"URL de base / base URL: {old} -> {new}")


@click.command()
@click.argument("archive", type=click.Path(dir_okay=False))
@data_option
@guard
def backup(archive: str, data: str | None) -> None:
    """Write the whole instance (store, tokens, curators, session key, base URL) to ARCHIVE
    (.tar.gz with a checksummed manifest); works while the server runs."""
    from service.ops.backup import write_backup
    from service.store import open_for

    store = open_for(settings(data=data))
    tmp = f"{archive}.part"
    try:
        with open(tmp, "wb") as out:
            summary = write_backup(store, out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o600)  # it holds the session key and token digests
        os.replace(tmp, archive)
    finally:
        store.close()
        if os.path.exists(tmp):
            os.unlink(tmp)
    click.echo(f"Sauvegarde / backup: {archive} ({summary.quads} quads, "
               f"{', '.join(summary.files) or 'no files'})")


def register_commands(cli: click.Group) -> None:
    cli.add_command(rebase)
    cli.add_command(backup)
