"""Admin commands run by the server: a long read-only command (export, backup) does not hold
up the commands that write, and each command's output stays its own."""

from __future__ import annotations

import sys
import threading
from types import SimpleNamespace

import click

from service.ops import admin


def _group(release: threading.Event, exporting: threading.Event) -> click.Group:
    @click.group()
    def main() -> None:
        pass

    @main.command()
    def export() -> None:  # stands for a long dump: writes, then waits, then writes again
        sys.stdout.buffer.write(b"<s> <p> <o> <g> .\n")
        exporting.set()
        assert release.wait(30)
        sys.stdout.buffer.write(b"<s2> <p> <o> <g> .\n")

    @main.command("publisher")
    @click.argument("name")
    def publisher(name: str) -> None:
        click.echo(f"added {name}")
        click.echo(f"note about {name}", err=True)
        click.echo(sys.stdin.readline().strip())

    return main


def test_a_long_export_does_not_hold_up_a_writing_command():
    release, exporting = threading.Event(), threading.Event()
    main = _group(release, exporting)
    services = SimpleNamespace(feed_index=None, search=None)
    results: dict[str, tuple[int, bytes, str]] = {}
    real_stdout = sys.stdout
    long_one = threading.Thread(
        target=lambda: results.__setitem__("export", admin.run_command(services, main,
                                                                       ["export"])))
    long_one.start()
    assert exporting.wait(30)
    # While the export waits, two writing commands run and finish (one after the other).
    for name in ("montfort", "iffendic"):
        code, out, err = admin.run_command(services, main, ["publisher", name],
                                           stdin=f"line for {name}\n".encode())
        assert (code, out, err) == (0, f"added {name}\nline for {name}\n".encode(),
                                    f"note about {name}\n")
    assert long_one.is_alive()
    release.set()
    long_one.join(30)
    assert results["export"] == (0, b"<s> <p> <o> <g> .\n<s2> <p> <o> <g> .\n", "")
    assert sys.stdout is real_stdout  # the routing is gone with the last command


def test_writing_commands_still_run_one_at_a_time():
    assert "export" in admin.READ_ONLY and "backup" in admin.READ_ONLY
    assert not {"publisher", "token", "curator", "restore", "import", "harvest"} & admin.READ_ONLY
