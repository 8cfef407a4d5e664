"""CLI commands of the web area, wired into `socle` by service/cli/root.py: `socle curator add|list`
(accounts of the curator pages)."""

from __future__ import annotations

import sys

import click

from service.cli.options import base_option, data_option, guard, open_store


@click.group("curator")
def curator() -> None:
    """Manage curator accounts of the web pages (comptes des gestionnaires)."""


@curator.command("add")
@click.argument("login")
@click.option("--publisher", "publisher_id", required=True)
@click.option("--reset", is_flag=True, help="Replace the password of an existing account.")
@click.option("--operator", is_flag=True,
              help="An operator of the platform: also the /admin pages (docs/operations.md).")
@data_option
@base_option
@guard
def curator_add(login, publisher_id, reset, operator, data, base_url) -> None:
    """Create a curator account for a publisher; the password is read from a prompt (or the
    first line of standard input), never from the command line, and stored hashed (scrypt)."""
    from service.auth.curators import add_curator
    from service.auth.jsonfile import DataFiles
    from service.catalog.publishers import get_publisher

    store, settings = open_store(data, base_url)
    pub = get_publisher(store, settings.base_url, publisher_id)
    if sys.stdin.isatty():
        password = click.prompt("Mot de passe / password", hide_input=True,
                                confirmation_prompt=True, err=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    files = DataFiles(store)
    found = add_curator(files, pub, login, password, replace=reset, operator=operator)
    if reset:  # a new password logs the account out everywhere
        from service.auth.sessions import close_sessions_of

        close_sessions_of(files, login)
    role = ", opérateur / operator" if found.operator else ""
    click.echo(f"Gestionnaire créé / curator created: {found.login} ({pub.id}{role})")


@curator.command("list")
@data_option
@base_option
@guard
def curator_list(data, base_url) -> None:
    """List curator accounts and their publisher."""
    from service.auth.curators import list_curators
    from service.auth.jsonfile import DataFiles

    for found in list_curators(DataFiles(open_store(data, base_url)[0])):
        click.echo(f"{found.login}\t{found.publisher}" + ("\toperator" if found.operator else ""))


def register_commands(cli: click.Group) -> None:
    cli.add_command(curator)
