"""What every `socle` command shares: the options naming the data directory, base URL and
external store, the guard turning expected errors into a message and exit 2, and the two ways
to open what a command needs (the store alone, or the whole services).

Domain modules (service/*/commands.py, service/territories/cli.py) import from here and expose
`register_commands(cli)`; service/cli/root.py calls them. Every option also reads
SOCLE_<OPTION> from the environment."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from service.config import Settings
from service.errors import SocleError
from service.store import Store, StoreLocked

if TYPE_CHECKING:
    from service.services import Services

F = TypeVar("F", bound=Callable[..., Any])

data_option = click.option("--data", envvar="SOCLE_DATA", default=None,
                           help="Data directory of the embedded store [./socle-data].")
base_option = click.option("--base-url", envvar="SOCLE_BASE_URL", default=None,
                           help="Public base URL used to mint IRIs [http://localhost:8000].")


def store_options(func: F) -> F:
    """--store URL and friends (DESIGN §6): an external SPARQL 1.1 store instead of the
    embedded one (docs/scaling.md)."""
    options = [
        click.option("--store", "store_url", envvar="SOCLE_STORE", default=None,
                     help="SPARQL query URL of an external store (embedded store if unset)."),
        click.option("--store-update", envvar="SOCLE_STORE_UPDATE", default=None,
                     help="SPARQL Update URL when it differs from the query URL."),
        click.option("--store-gsp", envvar="SOCLE_STORE_GSP", default=None,
                     help="Graph Store Protocol URL, when the store has one."),
        click.option("--store-user", envvar="SOCLE_STORE_USER", default=None,
                     help="User name for the store (HTTP basic or digest)."),
        click.option("--store-password", envvar="SOCLE_STORE_PASSWORD", default=None,
                     help="Password for the store."),
        click.option("--store-auth", envvar="SOCLE_STORE_AUTH", default=None,
                     type=click.Choice(["basic", "digest"]), help="HTTP auth scheme [basic]."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def settings(**overrides: Any) -> Settings:
    from service.ops.admin import live_settings

    return live_settings(Settings.from_env(**overrides))  # inside the server: its store


def fail(message: str, code: int = 2) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(code)


def guard(func: F) -> F:
    """Turn expected errors into a bilingual message and exit 2, never a traceback; a
    command run with ``--json`` also prints the error as a problem+json document on stdout
    (what a script reads is JSON whichever way the command ends)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SocleError as err:
            if kwargs.get("as_json"):
                click.echo(json.dumps(err.to_problem(), ensure_ascii=False, indent=2,
                                      default=str))
            fail(f"Erreur : {err.detail_fr}\nError: {err.detail_en}")
        except StoreLocked as err:
            code = _through_server(kwargs.get("data"))
            if code is None:
                fail(str(err))
            sys.exit(code)
        except OSError as err:  # unusable data directory or file: no traceback either
            where, why = err.filename or "", err.strerror or str(err)
            fail(f"Erreur : accès impossible à {where} ({why}).\n"
                 f"Error: cannot use {where} ({why}).")

    return wrapper  # type: ignore[return-value]


def _through_server(data: str | None) -> int | None:
    """The store is locked by a running `socle serve`: run this very command in it, over
    its admin socket (service/ops/admin.py); None when no server answers there."""
    from service.ops import admin

    argv = admin.given_argv()
    return admin.forward(settings(data=data).data, admin.client_argv(argv),
                         admin.client_stdin(argv))


def open_store(data: str | None, base_url: str | None = None) -> tuple[Store, Settings]:
    """The store alone, for commands that do not validate (fast start)."""
    from service.ops.identity import bind
    from service.store import open_for

    chosen = settings(data=data, base_url=base_url)
    store = open_for(chosen)
    _close_at_exit(store.close)
    return store, bind(chosen, store)  # the base URL stored with the data


def open_data(data: str | None) -> Store:
    """The store of a data directory as it is (no base URL resolved nor recorded): export,
    restore, exemptions."""
    from service.store import open_for

    store = open_for(settings(data=data))
    _close_at_exit(store.close)
    return store


def build(data: str | None, base_url: str | None) -> Services:
    """The whole services (validator included), for commands that write records."""
    from service.ops.admin import live_services
    from service.services import build_services

    live = live_services()  # inside the running server (admin forwarding): its own services
    if live is not None:
        return live
    svc = build_services(settings(data=data, base_url=base_url))
    _close_at_exit(svc.close)
    return svc


def _close_at_exit(close: Callable[[], None]) -> None:
    """Close what a command opened when it ends, whichever way (closing twice is harmless):
    a failed command must not keep the data directory's lock in the process."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(close)
