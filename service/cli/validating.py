"""`socle validate`: a file without storing it, or every stored record (`--all`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from service.cli.options import base_option, build, data_option, guard, settings
from service.errors import SocleError


@click.command()
@click.argument("source", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--all", "all_records", is_flag=True,
              help="Revalidate every stored record and update their reports.")
@data_option
@base_option
@guard
def validate(source, as_json, all_records, data, base_url) -> None:
    """Validate an RDF file without storing it (or --all stored records); exit 1 on violations."""
    if all_records:
        _validate_all(as_json, data, base_url)
        return
    if source is None:
        raise SocleError("Indiquez un fichier à valider, ou --all pour tous les enregistrements.",
                         "Give a file to validate, or --all for every stored record.")
    from service.rdf.records import split_catalogue
    from service.services import load_validator

    chosen = settings()
    validator = load_validator(chosen.shapes_dir, chosen.vocab_dir)
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
    from service.catalog.invariants import shared_node_lines, shared_nodes
    from service.catalog.revalidate import failure_lines, revalidate_all

    svc = build(data, base_url)
    with click.progressbar(length=count_records(svc.store), label="Validation",
                           file=sys.stderr) as bar:
        result = revalidate_all(svc.store, svc.validator, svc.settings.base_url,
                                lambda _check: bar.update(1))
    shared = shared_nodes(svc.store)
    from service.quality.keeper import rescore_all

    quality = rescore_all(svc.store, refresh=True)  # facts re-read: vocabularies may change
    svc.store.close()
    if as_json:
        out = result.to_dict() | {"shared_nodes": [vars(s) for s in shared]}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for line in [*failure_lines(result), *shared_node_lines(shared)]:
            click.echo(line)
    click.echo(f"scores de qualité/quality scores={quality.scored} "
               f"modifiés/changed={quality.changed}", err=as_json)
    s = result.summary()
    click.echo(f"vérifiés/checked={s['checked']} conformes/conforming={s['conforming']} "
               f"en erreur/violating={s['violating']} "
               f"avec avertissements/with warnings={s['with_warnings']} "
               f"rapports mis à jour/reports updated={s['reports_changed']}", err=as_json)
    sys.exit(1 if result.violating or shared else 0)


def _read_document(source: str, allow_private: bool):
    from service.ingest.fetch import fetch
    from service.rdf.formats import syntax_for_filename, syntax_for_media_type
    from service.rdf.limits import OPERATOR
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
    return parse_rdf(body, syntax, base_iri=source if "://" in source else None,
                     limits=OPERATOR)


def register_commands(cli: click.Group) -> None:
    cli.add_command(validate)
