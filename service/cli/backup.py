"""`socle export` and `socle restore`: the whole store as N-Quads."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service.cli.options import data_option, guard, open_data
from service.derived.registry import mark_stale
from service.errors import SocleError


@click.command()
@data_option
@guard
def export(data) -> None:
    """Write the whole store as N-Quads on standard output (a backup)."""
    store = open_data(data)
    store.dump(sys.stdout.buffer)
    store.close()


@click.command()
@click.argument("dump")
@data_option
@guard
def restore(dump, data) -> None:
    """Replace the whole store content by an N-Quads dump made by `socle export`, or the whole
    instance by an archive made by `socle backup`."""
    from service.ops.identity import adopt_restored

    if not Path(dump).is_file():
        raise SocleError(f"Fichier introuvable : {dump}", f"File not found: {dump}")
    from service.ops.backup import is_archive

    if is_archive(dump):  # a whole-instance archive of `socle backup`
        return _restore_archive(dump, data)
    store = open_data(data)
    try:
        with open(dump, "rb") as source:
            count = store.restore(source)
        adopt_restored(store)  # the base URL is the one the restored IRIs were minted under
        mark_stale(store)  # the derived indexes describe the old content
    except SyntaxError as exc:
        raise SocleError(f"Sauvegarde N-Quads invalide ({dump}, ligne {exc.lineno}) : {exc.msg}"
                         " ; rien n'a été modifié.",
                         f"Invalid N-Quads dump ({dump}, line {exc.lineno}): {exc.msg}; "
                         "nothing was changed.") from None
    finally:
        store.close()
    click.echo(f"{count} quads restaurés / restored.")


def _restore_archive(archive: str, data: str | None) -> None:
    from service.ops.backup import read_backup, restore_backup

    with open(archive, "rb") as source:  # checked whole before the store is even opened
        read_backup(source)
    store = open_data(data)
    try:
        with open(archive, "rb") as source:
            summary = restore_backup(store, source)
        mark_stale(store)
    finally:
        store.close()
    click.echo(f"{summary.quads} quads et / and {', '.join(summary.files) or 'no files'} "
               f"restaurés / restored (base: {summary.base_url}).")


def register_commands(cli: click.Group) -> None:
    cli.add_command(export)
    cli.add_command(restore)
