"""The `socle` group. Core commands live beside this module, domain commands in their areas;
each module exposes `register_commands(cli)` and this is the one place that calls them."""

from __future__ import annotations

import click

from service.ops.admin import ArgvGroup


@click.group(cls=ArgvGroup)
@click.version_option(package_name="socle-dcat")
def main() -> None:
    """Socle: catalogue DCAT-AP pour les données locales / DCAT-AP catalogue for local data."""
    from service.files import private_umask

    private_umask()  # store files, keys and backups it writes: owner only


def _register(cli: click.Group) -> None:
    from service.cli import backup, importing, publishers, reindex, serve, validating
    from service.ingest.harvest import commands as harvest_commands
    from service.ops import commands as ops_commands
    from service.quality import cli as quality_commands
    from service.territories import cli as territories_commands
    from service.web import commands as web_commands

    # publishers first: territories adds `publisher delegate` to its group.
    for module in (serve, publishers, importing, validating, backup, reindex, harvest_commands,
                   territories_commands, web_commands, ops_commands, quality_commands):
        module.register_commands(cli)


_register(main)
