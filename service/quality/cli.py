"""`socle quality FILE|URL` (score a catalogue without storing it) and `socle links check`
(check the stored distribution URLs, rescore what they feed). Registered on the `socle` group
by `register_commands(cli)`."""

from __future__ import annotations

import json
from typing import Any

import click

from service.cli.options import guard, open_store, settings
from service.errors import SocleError
from service.quality.indicators import MAXIMUM, band_label
from service.quality.score import Score, aggregate


def _line(name: str, score: Score) -> str:
    return (f"{name} : {score.total:.0f}/{MAXIMUM} {band_label(score.band, 'fr')} / "
            f"{band_label(score.band, 'en')}")


@click.command("quality")
@click.argument("source")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--publisher", default=None,
              help="Score as if imported for this publisher (dct:publisher is then set).")
@click.option("--check-links", is_flag=True,
              help="Check the distribution URLs now (same rules as `socle links check`).")
@click.option("--allow-private", is_flag=True,
              help="Allow private addresses (source URL and link checks).")
@guard
def quality(source: str, as_json: bool, publisher: str | None, check_links: bool,
            allow_private: bool) -> None:
    """Score a DCAT file or feed URL by the data.europa.eu MQA method, storing nothing
    (docs/quality.md). Without --check-links the 80 link points count as not checked."""
    from service.cli.validating import _read_document
    from service.quality.facts import extract
    from service.quality.keeper import link_state
    from service.quality.score import score
    from service.rdf.records import split_catalogue
    from service.services import load_validator

    chosen = settings()
    graph = _read_document(source, allow_private=allow_private)
    records = split_catalogue(graph)
    if not records:
        raise SocleError("Aucun jeu de données dans le document.", "No dataset in the document.")
    validator = load_validator(chosen.shapes_dir, chosen.vocab_dir)
    facts = [extract(r.graph, str(r.root)) for r in records]
    if publisher:
        facts = [type(f)(**{**f.__dict__, "publisher": True}) for f in facts]
    links: dict = {}
    if check_links:
        from service.ingest.harvest.setup import policy_from_settings
        from service.quality.links.checker import LinkChecker
        from service.quality.links.run import settings_from

        checker = LinkChecker(policy_from_settings(chosen, allow_private=allow_private),
                              settings_from(chosen))
        links = {r.url: r for r in checker.check_all({u for f in facts for u in f.urls()})}
    scores = [score(f, validator.validate(r.graph).conforms, link_state(links))
              for f, r in zip(facts, records, strict=True)]
    total = aggregate(scores)
    if as_json:
        click.echo(json.dumps({"catalogue": total.to_json("fr"), "datasets": [
            {"dataset": str(r.root), **s.to_json("fr")}
            for r, s in zip(records, scores, strict=True)]}, ensure_ascii=False, indent=2))
        return
    for record, one in zip(records, scores, strict=True):
        click.echo(_line(_name(record), one))
        for fix in one.fixes():
            click.echo(f"    +{fix.lost:.1f} {fix.indicator.fix_fr}\n"
                       f"          {fix.indicator.fix_en}")
    click.echo(_line(f"Catalogue ({total.datasets} jeux / datasets)", total))


def _name(record: Any) -> str:
    """A record's dct:identifier (blank-node datasets have no better name), else its node."""
    from rdflib import URIRef

    found = record.graph.value(record.root, URIRef("http://purl.org/dc/terms/identifier"))
    return str(found or record.root)


@click.group("links")
def links() -> None:
    """Vérification des liens / link checking (docs/quality.md)."""


@links.command("check")
@click.option("--publisher", default=None, help="Only this publisher's distribution URLs.")
@click.option("--allow-private", is_flag=True,
              help="Allow private and loopback addresses (else SOCLE_HARVEST_ALLOW rules).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("--data", envvar="SOCLE_DATA", default=None, help="Data directory.")
@guard
def links_check(publisher: str | None, allow_private: bool, as_json: bool,
                data: str | None) -> None:
    """Check every dcat:accessURL and dcat:downloadURL (HEAD, else a one-byte GET), keep the
    results and rescore the records they feed. Broken links never fail the command."""
    from service.catalog.publishers import get_publisher
    from service.ingest.harvest.setup import policy_from_settings
    from service.quality.links.run import run, settings_from

    store, chosen = open_store(data)  # closed when the command ends
    if publisher:
        get_publisher(store, chosen.base_url, publisher)
    policy = policy_from_settings(chosen, allow_private=allow_private)
    result = run(store, policy, settings_from(chosen), publisher)
    if as_json:
        click.echo(json.dumps({**result.summary(), "broken_urls": [
            r.to_json() for r in result.broken_urls]}, ensure_ascii=False, indent=2))
        return
    for r in result.broken_urls:
        why = f"HTTP {r.status}" if r.status else r.error
        click.echo(f"CASSÉ / BROKEN {r.url} ({why}) depuis / since {r.broken_since}")
    click.echo(f"vérifiés/checked={result.checked} ok={result.ok} cassés/broken={result.broken} "
               f"ignorés (robots.txt)/skipped={result.skipped} "
               f"scores modifiés/scores changed={result.rescored.get('changed', 0)}")


def register_commands(cli: click.Group) -> None:
    cli.add_command(quality)
    cli.add_command(links)
