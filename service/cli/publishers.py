"""`socle publisher add|set-profile|list` and `socle token create`."""

from __future__ import annotations

import click

from service.cli.options import base_option, data_option, guard, open_store


@click.group()
def publisher() -> None:
    """Manage publishers (éditeurs)."""


@publisher.command("add")
@click.argument("publisher_id", required=False)
@click.option("--name", default=None, help='Display name, e.g. "Commune de Montfort".')
@click.option("--siren", default=None,
              help="SIREN (9 digits): name, type, territory from the registry.")
@data_option
@base_option
@guard
def publisher_add(publisher_id, name, siren, data, base_url) -> None:
    """Add a publisher: `--siren` alone fills it from the territories registry."""
    from service.territories.cli import add_publisher_command

    add_publisher_command(*open_store(data, base_url), publisher_id, name, siren)


@publisher.command("set-profile")
@click.argument("publisher_id")
@click.argument("profile", required=False)
@data_option
@base_option
@guard
def publisher_set_profile(publisher_id, profile, data, base_url) -> None:
    """Set the default output profile of a publisher's feed (none: back to dcat-ap-3)."""
    from service.catalog.publishers import set_default_profile

    store, settings = open_store(data, base_url)
    pub = set_default_profile(store, settings.base_url, publisher_id, profile)
    click.echo(f"Profil par défaut / default profile of {pub.id}: {pub.profile or 'dcat-ap-3'}")


@publisher.command("list")
@data_option
@base_option
@guard
def publisher_list(data, base_url) -> None:
    """List publishers."""
    from service.catalog.publishers import list_publishers

    for pub in list_publishers(open_store(data, base_url)[0]):
        click.echo(f"{pub.id}\t{pub.name}\t{pub.siren or ''}\t{pub.profile or 'dcat-ap-3'}")


@click.group()
def token() -> None:
    """Manage write tokens."""


@token.command("create")
@click.option("--publisher", "publisher_id", required=True)
@data_option
@base_option
@guard
def token_create(publisher_id, data, base_url) -> None:
    """Create a token for a publisher; the token is printed alone on the last line."""
    from service.auth.jsonfile import DataFiles
    from service.auth.tokens import create_token
    from service.catalog.publishers import get_publisher

    store, settings = open_store(data, base_url)
    pub = get_publisher(store, settings.base_url, publisher_id)
    secret = create_token(DataFiles(store), pub)
    click.echo(f"Jeton pour / token for {pub.id} (affiché une seule fois / shown once):", err=True)
    click.echo(secret)


def register_commands(cli: click.Group) -> None:
    cli.add_command(publisher)
    cli.add_command(token)
