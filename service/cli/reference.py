"""The command-line reference (docs/cli.md), generated from the commands themselves so that
it cannot drift: `python -m service.cli.reference` rewrites the page, `--check` exits 1 when
the page differs (tests/cli/test_reference.py runs the same comparison)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

WIDTH = 100
PAGE = Path("docs") / "cli.md"
HEADER = """# `socle` command-line reference

Generated from the commands by `python -m service.cli.reference` (do not edit by hand:
`tests/cli/test_reference.py` fails when this page and the commands differ). Every option
also reads `SOCLE_<OPTION>` from the environment where the help says so; see
the README for how the commands fit together.
"""


def _walk(command: click.Command, path: list[str], parent: click.Context | None):
    ctx = click.Context(command, info_name=path[-1], parent=parent, terminal_width=WIDTH,
                        max_content_width=WIDTH)
    yield path, command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from _walk(sub, [*path, name], ctx)


def render(group: click.Group | None = None) -> str:
    """The page: one section per command, its `--help` text verbatim."""
    if group is None:
        from service.cli.root import main

        group = main
    parts = [HEADER]
    for path, command, ctx in _walk(group, ["socle"], None):
        parts.append(f"\n## `{' '.join(path)}`\n\n```text\n{command.get_help(ctx)}\n```\n")
    return "".join(parts)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[2]
    page = root / PAGE
    text = render()
    if "--check" in argv:
        if not page.is_file() or page.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is stale: run python -m service.cli.reference", file=sys.stderr)
            return 1
        return 0
    page.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
