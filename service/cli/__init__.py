"""The `socle` command line (`socle = "service.cli:main"`, or `python -m service.cli`).

root.py holds the group and the core commands; options.py what commands share; each domain
module exposes `register_commands(cli)` (harvest, territories, curators)."""

from service.cli.root import main

__all__ = ["main"]
