"""`socle export` and `socle restore`: the whole store as N-Quads."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service.cli.options import data_option, guard, settings
from service.errors import SocleError


@click.command()
@data_option
@guard
def export(data) -> None:
    """Write the whole store as N-Quads on standard output (a backup)."""
    from service.store import open_for

    store = open_for(settings(data=data))
    store.dump(sys.stdout.buffer)
    store.close()


@click.command()
@click.argument("dump")
@data_option
@guard
def restore(dump, data) -> None:
    """Replace the whole store content by an N-Quads dump made by `socle export`."""
    from service.ops.identity import adopt_restored
    from service.store import open_for

    if not Path(dump).is_file():
        raise SocleError(f"Fichier introuvable : {dump}", f"File not found: {dump}")
    store = open_for(settings(data=data))
    try:
        with open(dump, "rb") as source:
            count = store.restore(source)
        adopt_restored(store)  # the base URL is the one the restored IRIs were minted under
    except SyntaxError as exc:
        raise SocleError(f"Sauvegarde N-Quads invalide ({dump}, ligne {exc.lineno}) : {exc.msg}"
                         " ; rien n'a été modifié.",
                         f"Invalid N-Quads dump ({dump}, line {exc.lineno}): {exc.msg}; "
                         "nothing was changed.") from None
    finally:
        store.close()
    click.echo(f"{count} quads restaurés / restored.")


def register_commands(cli: click.Group) -> None:
    cli.add_command(export)
    cli.add_command(restore)
