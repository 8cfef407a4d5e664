"""The `socle` command line. Every option also reads SOCLE_<OPTION> from the environment."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from service.config import Settings
from service.errors import SocleError
from service.store import StoreLocked

data_option = click.option("--data", envvar="SOCLE_DATA", default=None,
                           help="Data directory of the embedded store [./socle-data].")
base_option = click.option("--base-url", envvar="SOCLE_BASE_URL", default=None,
                           help="Public base URL used to mint IRIs [http://localhost:8000].")


def store_options(func: Callable) -> Callable:
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


def _settings(**overrides: Any) -> Settings:
    return Settings.from_env(**overrides)


def _fail(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def _guard(func: Callable) -> Callable:
    """Turn expected errors into a message and a non-zero exit, never a traceback."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SocleError as err:
            _fail(f"Erreur : {err.detail_fr}\nError: {err.detail_en}")
        except StoreLocked as err:
            _fail(str(err))
        except OSError as err:  # unusable data directory or file: no traceback either
            where, why = err.filename or "", err.strerror or str(err)
            _fail(f"Erreur : accès impossible à {where} ({why}).\n"
                  f"Error: cannot use {where} ({why}).")

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _store(data: str | None, base_url: str | None):
    """The store alone, for commands that do not validate (fast start)."""
    from service.store import open_for

    settings = _settings(data=data, base_url=base_url)
    return open_for(settings), settings


def _services(data: str | None, base_url: str | None):
    from service.app import build_services

    return build_services(_settings(data=data, base_url=base_url))


@click.group()
@click.version_option(package_name="socle-dcat")
def main() -> None:
    """Socle: catalogue DCAT-AP pour les données locales / DCAT-AP catalogue for local data."""


@main.command()
@click.option("--host", envvar="SOCLE_HOST", default=None, help="Bind address [127.0.0.1].")
@click.option("--port", envvar="SOCLE_PORT", type=int, default=None, help="Port [8000].")
@data_option
@base_option
@click.option("--demo", envvar="SOCLE_DEMO", is_flag=True, default=None,
              help="Load the demo catalogue at start (idempotent).")
@click.option("--threads", envvar="SOCLE_THREADS", type=int, default=None,
              help="Worker threads [8].")
@store_options
@_guard
def serve(host, port, data, base_url, demo, threads, **store) -> None:
    """Serve the HTTP API and pages (embedded store: one process, threads)."""
    import logging

    from waitress import serve as waitress_serve

    from service.app import create_app

    settings = _settings(host=host, port=port, data=data, base_url=base_url, demo=demo,
                         threads=threads, **store)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(settings)
    threading.Thread(target=app.extensions["socle"].feed_index.warm, name="feed-index",
                     daemon=True).start()
    threading.Thread(target=app.extensions["socle_sparql"].warm, name="sparql-workers",
                     daemon=True).start()
    threading.Thread(target=app.extensions["socle_web"].search.warm, name="search-index",
                     daemon=True).start()
    from service.quality.links.job import start as start_link_checks

    start_link_checks(app.extensions["socle"])  # every SOCLE_LINKCHECK_INTERVAL_HOURS
    click.echo(f"Socle sur / on http://{settings.host}:{settings.port} "
               f"(données / data: {settings.data}, base: {settings.base_url})", err=True)
    waitress_serve(app, host=settings.host, port=settings.port, threads=settings.threads,
                   ident="socle",
                   # Above this waitress answers a plain 413 itself; below it the app answers
                   # problem+json without reading the body (it checks Content-Length first).
                   max_request_body_size=max(100 * 1024 * 1024, 2 * settings.max_body_bytes))


@main.group()
def publisher() -> None:
    """Manage publishers (éditeurs)."""


@publisher.command("add")
@click.argument("publisher_id", required=False)
@click.option("--name", default=None, help='Display name, e.g. "Commune de Montfort".')
@click.option("--siren", default=None,
              help="SIREN (9 digits): name, type, territory from the registry.")
@data_option
@base_option
@_guard
def publisher_add(publisher_id, name, siren, data, base_url) -> None:
    """Add a publisher: `--siren` alone fills it from the territories registry."""
    from service.territories.cli import add_publisher_command

    add_publisher_command(*_store(data, base_url), publisher_id, name, siren)


@publisher.command("set-profile")
@click.argument("publisher_id")
@click.argument("profile", required=False)
@data_option
@base_option
@_guard
def publisher_set_profile(publisher_id, profile, data, base_url) -> None:
    """Set the default output profile of a publisher's feed (none: back to dcat-ap-3)."""
    from service.catalog.publishers import set_default_profile

    store, settings = _store(data, base_url)
    pub = set_default_profile(store, settings.base_url, publisher_id, profile)
    click.echo(f"Profil par défaut / default profile of {pub.id}: {pub.profile or 'dcat-ap-3'}")


@publisher.command("list")
@data_option
@base_option
@_guard
def publisher_list(data, base_url) -> None:
    """List publishers."""
    from service.catalog.publishers import list_publishers

    for pub in list_publishers(_store(data, base_url)[0]):
        click.echo(f"{pub.id}\t{pub.name}\t{pub.siren or ''}\t{pub.profile or 'dcat-ap-3'}")


@main.group()
def token() -> None:
    """Manage write tokens."""


@token.command("create")
@click.option("--publisher", "publisher_id", required=True)
@data_option
@base_option
@_guard
def token_create(publisher_id, data, base_url) -> None:
    """Create a token for a publisher; the token is printed alone on the last line."""
    from service.auth.tokens import create_token
    from service.catalog.publishers import get_publisher

    store, settings = _store(data, base_url)
    pub = get_publisher(store, settings.base_url, publisher_id)
    secret = create_token(store, pub)
    click.echo(f"Jeton pour / token for {pub.id} (affiché une seule fois / shown once):", err=True)
    click.echo(secret)


@main.command("import")
@click.argument("source")
@click.option("--publisher", "publisher_id", required=True)
@click.option("--allow-private", is_flag=True, help="Allow fetching from private addresses.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--batch-size", envvar="SOCLE_BATCH_SIZE", type=click.IntRange(1, 10_000),
              default=1024, show_default=True,
              help="Records written per transaction (each record stays whole or absent).")
@click.option("--workers", envvar="SOCLE_WORKERS", type=click.IntRange(0, 64), default=0,
              show_default=True,
              help="Worker processes preparing and validating records in parallel; 0: one "
                   "per CPU (at most 4) for documents over 8 MB, else none.")
@data_option
@base_option
@_guard
def import_(source, publisher_id, allow_private, as_json, batch_size, workers, data,
            base_url) -> None:
    """Import an RDF catalogue or an SCDL catalogue .csv (file or URL), reported one by one."""
    import signal

    from service.catalog.publishers import get_publisher
    from service.ingest.rdf_import import import_records

    # SIGTERM unwinds like Ctrl-C: the scratch store of the document is removed and the store
    # closed (committed batches stay; kill -9 is covered by the transactions themselves).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    svc = _services(data, base_url)
    from service.ingest.scdl import cli as scdl_cli

    if scdl_cli.is_csv(source):  # SCDL catalogue CSV (docs/scdl.md)
        code = scdl_cli.run_import(svc, publisher_id, source, allow_private, as_json,
                                   batch_size, workers or 1)
        svc.store.close()
        sys.exit(code)
    get_publisher(svc.store, svc.settings.base_url, publisher_id)
    lines: list[str] = []
    with (_stored_document(source, allow_private, on_disk=workers > 1 or None) as document,
          click.progressbar(length=len(document), label="Import", file=sys.stderr) as bar):
        workers = workers or auto_workers(document.on_disk)

        def progress(item) -> None:
            bar.update(1)
            if item.outcome == "failed":
                err = item.error or {}
                lines.append(f"ÉCHEC / FAILED {item.source}: {err.get('detail', '')}")
                for result in err.get("results", [])[:10]:
                    lines.append(f"    - {result['message']['fr']} / {result['message']['en']}"
                                 f" [{result.get('path')}]")

        report = import_records(svc.records, publisher_id, document.records(), progress,
                                batch_size=batch_size, workers=workers)
    for line in lines:
        click.echo(line, err=True)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    summary = report.summary()
    click.echo("créés/created={created} mis à jour/updated={updated} "
               "inchangés/unchanged={unchanged} échecs/failed={failed}".format(**summary))
    svc.store.close()
    if report.failed:
        sys.exit(1)


def auto_workers(large: bool) -> int:
    """``--workers 0``: a worker process per CPU for a large document (spawning one and
    loading its shapes costs ~1 s, repaid after a few hundred records), at most 4."""
    return min(os.cpu_count() or 1, 4) if large else 1


def _stored_document(source: str, allow_private: bool, on_disk: bool | None = None):
    """The document in a scratch store (streamed from files: bounded memory at any size);
    on disk whatever its size when worker processes will read it."""
    from service.ingest.fetch import fetch
    from service.ingest.stream import StoredDocument, syntax_for_path
    from service.rdf.formats import syntax_for_media_type

    if source.startswith(("http://", "https://")):
        body, content_type = fetch(source, allow_private=allow_private)
        syntax = syntax_for_media_type(content_type) or syntax_for_path(source.split("?")[0])
        path = None
    else:
        path, body = Path(source), None
        if not path.is_file():
            raise SocleError(f"Fichier introuvable : {source}", f"File not found: {source}")
        syntax = syntax_for_path(path.name)
    if syntax is None:
        raise SocleError(f"Format RDF inconnu pour {source} (.ttl, .rdf, .jsonld, .nt, .nq).",
                         f"Unknown RDF format for {source} (.ttl, .rdf, .jsonld, .nt, .nq).")
    return StoredDocument(syntax, path=path, data=body,
                          base_iri=source if "://" in source else None, on_disk=on_disk)


def _read_document(source: str, allow_private: bool):
    from service.ingest.fetch import fetch
    from service.rdf.formats import syntax_for_filename, syntax_for_media_type
    from service.rdf.parse import parse_rdf

    if source.startswith(("http://", "https://")):
        body, content_type = fetch(source, allow_private=allow_private)
        syntax = syntax_for_media_type(content_type) or syntax_for_filename(source.split("?")[0])
    else:
        path = Path(source)
        if not path.is_file():
            raise SocleError(f"Fichier introuvable : {source}", f"File not found: {source}")
        body, syntax = path.read_bytes(), syntax_for_filename(path.name)
    if syntax is None:
        raise SocleError(f"Format RDF inconnu pour {source} (.ttl, .rdf, .jsonld, .nt).",
                         f"Unknown RDF format for {source} (.ttl, .rdf, .jsonld, .nt).")
    return parse_rdf(body, syntax, base_iri=source if "://" in source else None)


@main.command()
@click.argument("source", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--all", "all_records", is_flag=True,
              help="Revalidate every stored record and update their reports.")
@data_option
@base_option
@_guard
def validate(source, as_json, all_records, data, base_url) -> None:
    """Validate an RDF file without storing it (or --all stored records); exit 1 on violations."""
    if all_records:
        _validate_all(as_json, data, base_url)
        return
    if source is None:
        raise SocleError("Indiquez un fichier à valider, ou --all pour tous les enregistrements.",
                         "Give a file to validate, or --all for every stored record.")
    from service.rdf.records import split_catalogue
    from service.validation import Validator

    settings = _settings()
    validator = Validator(shapes_dir=settings.shapes_dir, vocab_dir=settings.vocab_dir)
    graph = _read_document(source, allow_private=False)
    if not split_catalogue(graph):
        raise SocleError("Aucun jeu de données dans le document.", "No dataset in the document.")
    report = validator.validate(graph)
    data = report.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for r in data["results"]:
            click.echo(f"[{r['severity']}] {r['focus']} {r.get('path') or ''}\n"
                       f"    fr: {r['message']['fr']}\n    en: {r['message']['en']}")
        click.echo(f"erreurs/violations={data['violations']} "
                   f"avertissements/warnings={data['warnings']}")
    sys.exit(0 if report.conforms else 1)


def _validate_all(as_json: bool, data: str | None, base_url: str | None) -> None:
    """`socle validate --all`: every stored record against the current shapes."""
    from service.catalog.bookkeeping import count_records
    from service.catalog.revalidate import failure_lines, revalidate_all

    svc = _services(data, base_url)
    with click.progressbar(length=count_records(svc.store), label="Validation",
                           file=sys.stderr) as bar:
        result = revalidate_all(svc.store, svc.validator, svc.settings.base_url,
                                lambda _check: bar.update(1))
    from service.quality.keeper import rescore_all

    quality = rescore_all(svc.store, refresh=True)  # facts re-read: vocabularies may change
    svc.store.close()
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        for line in failure_lines(result):
            click.echo(line)
    click.echo(f"scores de qualité/quality scores={quality.scored} "
               f"modifiés/changed={quality.changed}", err=as_json)
    s = result.summary()
    click.echo(f"vérifiés/checked={s['checked']} conformes/conforming={s['conforming']} "
               f"en erreur/violating={s['violating']} "
               f"avec avertissements/with warnings={s['with_warnings']} "
               f"rapports mis à jour/reports updated={s['reports_changed']}", err=as_json)
    sys.exit(1 if result.violating else 0)


@main.command()
@data_option
@_guard
def export(data) -> None:
    """Write the whole store as N-Quads on standard output (a backup)."""
    from service.store import open_for

    store = open_for(_settings(data=data))
    store.dump(sys.stdout.buffer)
    store.close()


@main.command()
@click.argument("dump")
@data_option
@_guard
def restore(dump, data) -> None:
    """Replace the whole store content by an N-Quads dump made by `socle export`."""
    from service.store import open_for

    if not Path(dump).is_file():
        raise SocleError(f"Fichier introuvable : {dump}", f"File not found: {dump}")
    store = open_for(_settings(data=data))
    try:
        with open(dump, "rb") as source:
            count = store.restore(source)
    except SyntaxError as exc:
        raise SocleError(f"Sauvegarde N-Quads invalide ({dump}, ligne {exc.lineno}) : {exc.msg}"
                         " ; rien n'a été modifié.",
                         f"Invalid N-Quads dump ({dump}, line {exc.lineno}): {exc.msg}; "
                         "nothing was changed.") from None
    finally:
        store.close()
    click.echo(f"{count} quads restaurés / restored.")


def _register_harvest() -> None:
    """The harvester's commands live in their own module (service/ingest/harvest/commands.py)."""
    from service.ingest.harvest.commands import harvest, source

    main.add_command(harvest)
    main.add_command(source)


_register_harvest()


def _territories_commands() -> None:
    sys.modules.setdefault("service.cli", sys.modules[__name__])  # under `python -m`
    from service.territories.cli import publisher_delegate, territory

    main.add_command(territory)
    publisher.add_command(publisher_delegate)


_territories_commands()


def _web_commands() -> None:
    sys.modules.setdefault("service.cli", sys.modules[__name__])  # under `python -m`
    from service.web.commands import curator

    main.add_command(curator)


_web_commands()

from service.quality.cli import register_commands as _quality_commands  # noqa: E402

_quality_commands(main)  # socle quality FILE|URL, socle links check


if __name__ == "__main__":
    main()
