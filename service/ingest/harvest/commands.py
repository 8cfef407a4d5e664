"""`socle harvest` and `socle source …`: the harvester's command line (registered by
service/cli/root.py). Progress goes to stderr, the report to stdout; exit 1 when a run did not
finish or a dataset failed, so cron mails the operator."""

from __future__ import annotations

import json
import sys

import click

from service.cli.options import base_option, build, data_option, guard
from service.errors import SocleError
from service.ingest.harvest import report as reports
from service.ingest.harvest import sources as store_sources
from service.ingest.harvest.policy import refuse_credentials
from service.ingest.harvest.report import RunReport
from service.ingest.harvest.runner import Progress
from service.ingest.harvest.setup import harvester
from service.ingest.harvest.sources import SOURCE_POLICIES

BAR = 30

def _services(data: str | None, base_url: str | None):
    from service.ingest.harvest.credentials import scrub

    svc = build(data, base_url)
    scrub(svc.store)  # sources stored with credentials before they were refused
    return svc


def _progress() -> Progress:
    def page(report: RunReport, page) -> None:
        done = sum(report.counts[k] for k in ("created", "updated", "unchanged", "failed"))
        total = report.total_items
        bar = ""
        if total:
            filled = min(BAR, BAR * done // max(total, 1))
            bar = f"[{'#' * filled}{'.' * (BAR - filled)}] {done}/{total} "
        click.echo(f"page {page.number} {bar}— {report.summary_line()}", err=True)

    return Progress(page=page)


def _limits(max_pages, max_seconds, timeout, retries) -> dict:
    return {"max_pages": max_pages, "max_seconds": max_seconds, "timeout": timeout,
            "retries": retries}


def _emit(runs: list[RunReport], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in runs], ensure_ascii=False, indent=2))
    else:
        for run in runs:
            click.echo(run.render())


@click.command()
@click.argument("url", required=False)
@click.option("--publisher", "publisher_id", help="Publisher the records go to.")
@click.option("--source", "source_id", help="Harvest one stored source.")
@click.option("--all", "all_sources", is_flag=True,
              help="Harvest every stored source (of --publisher if given): for cron.")
@click.option("--report", "show_report", is_flag=True,
              help="Show the last run report(s) instead of harvesting.")
@click.option("--allow-private", is_flag=True, envvar="SOCLE_HARVEST_ALLOW_PRIVATE",
              help="Allow private and loopback addresses for this run.")
@click.option("--policy", type=click.Choice(SOURCE_POLICIES), default=None,
              help="URL form, new source: records still violating after repair are "
                   "quarantined (non-public, with their fix list), refused (strict) or "
                   "published (publish: a non-conformant feed) [quarantine].")
@click.option("--accept-invalid", is_flag=True,
              help="URL form: --policy publish (records with SHACL violations published: "
                   "the feed is not DCAT-AP conformant).")
@click.option("--grace-days", type=float, default=None,
              help="Days a dataset may be missing from its source before withdrawal "
                   "(0: at once) [source's, else SOCLE_HARVEST_GRACE_DAYS=7].")
@click.option("--max-pages", type=int, default=None, help="Page limit per run [1000].")
@click.option("--max-seconds", type=float, default=None, help="Time limit per run [3600].")
@click.option("--timeout", type=float, default=None, help="Timeout per request, s [30].")
@click.option("--retries", type=int, default=None, help="Retries per page [3].")
@click.option("--json", "as_json", is_flag=True, help="Print the report(s) as JSON.")
@data_option
@base_option
@guard
def harvest(url, publisher_id, source_id, all_sources, show_report, allow_private,
            policy, accept_invalid, grace_days, max_pages, max_seconds, timeout, retries, as_json,
            data, base_url) -> None:
    """Harvest a DCAT catalogue (URL, a stored --source, or --all) into a publisher."""
    from service.catalog.publishers import get_publisher

    chosen = sum(bool(x) for x in (url, source_id, all_sources))
    if chosen > 1 or (chosen == 0 and not show_report):
        raise SocleError("Donnez une URL, --source ID ou --all (un seul).",
                         "Give a URL, --source ID or --all (only one).")
    if url and not publisher_id:
        raise SocleError("--publisher est obligatoire avec une URL.",
                         "--publisher is required with a URL.")
    if url:
        refuse_credentials(url)
    svc = _services(data, base_url)
    store = svc.store
    try:
        if show_report:
            if url:  # the last run of that URL's source
                src = store_sources.find_source(store, publisher_id, url)
                runs = reports.runs(store, source=src.id, limit=1) if src else []
            else:  # the last run of a source, or the 20 last runs (of a publisher)
                runs = reports.runs(store, source=source_id, publisher=publisher_id,
                                    limit=1 if source_id else 20)
            if not runs:
                raise SocleError("Aucune moisson enregistrée.", "No harvest recorded.")
            _emit(runs, as_json)
            return
        if url:
            get_publisher(store, svc.settings.base_url, publisher_id)
            src = store_sources.find_source(store, publisher_id, url) or \
                store_sources.add_source(store, url, publisher_id, policy=policy,
                                         accept_invalid=accept_invalid,
                                         allow_private=allow_private)  # kept for --all
            targets = [src]
        elif source_id:
            targets = [store_sources.get_source(store, source_id)]
        else:
            targets = store_sources.list_sources(store, publisher_id)
        engine = harvester(svc, allow_private=allow_private,
                           **_limits(max_pages, max_seconds, timeout, retries))
        runs, bad = [], False
        for src in targets:
            click.echo(f"Moisson / harvest {src.id}: {src.url} → {src.publisher}", err=True)
            try:
                run = engine.run(src, _progress(), grace_days=grace_days)
            except SocleError as err:  # already running elsewhere
                click.echo(f"Erreur : {err.detail_fr}\nError: {err.detail_en}", err=True)
                bad = True
                continue
            runs.append(run)
            bad = bad or run.status != "done" or run.counts["failed"] > 0
        _emit(runs, as_json)
    finally:
        store.close()
    if bad:
        sys.exit(1)


@click.group()
def source() -> None:
    """Stored harvest sources (sources de moissonnage)."""


@source.command("add")
@click.argument("url")
@click.option("--publisher", "publisher_id", required=True)
@click.option("--name", default=None, help="Display name [the URL].")
@click.option("--id", "source_id", default=None, help="Source id [publisher-<hash>].")
@click.option("--allow-private", is_flag=True, help="This source may be on a private address.")
@click.option("--policy", type=click.Choice(SOURCE_POLICIES), default=None,
              help="Records still violating after repair: quarantine (non-public, with their "
                   "fix list), strict (refused) or publish [quarantine].")
@click.option("--accept-invalid", is_flag=True,
              help="--policy publish (the feed is not DCAT-AP conformant).")
@click.option("--grace-days", type=float, default=None, help="Withdrawal grace for this source.")
@data_option
@base_option
@guard
def source_add(url, publisher_id, name, source_id, allow_private, policy, accept_invalid,
               grace_days, data, base_url) -> None:
    """Add a harvest source for a publisher (harvested by `socle harvest --all`)."""
    from service.catalog.publishers import get_publisher

    svc = _services(data, base_url)
    try:
        get_publisher(svc.store, svc.settings.base_url, publisher_id)
        src = store_sources.add_source(svc.store, url, publisher_id, name=name,
                                       source_id=source_id, allow_private=allow_private,
                                       grace_days=grace_days, accept_invalid=accept_invalid,
                                       policy=policy)
    finally:
        svc.store.close()
    click.echo(f"Source ajoutée / source added: {src.id}")


@source.command("list")
@click.option("--publisher", "publisher_id", default=None)
@data_option
@base_option
@guard
def source_list(publisher_id, data, base_url) -> None:
    """List sources: id, publisher, URL, name, last run status and counts."""
    svc = _services(data, base_url)
    try:
        for src in store_sources.list_sources(svc.store, publisher_id):
            last = reports.runs(svc.store, source=src.id, limit=1)
            state = f"{last[0].status} {last[0].ended or ''}" if last else "-"
            click.echo(f"{src.id}\t{src.publisher}\t{src.url}\t{src.name}\t{state}")
    finally:
        svc.store.close()


@source.command("show")
@click.argument("source_id")
@click.option("--json", "as_json", is_flag=True)
@data_option
@base_option
@guard
def source_show(source_id, as_json, data, base_url) -> None:
    """A source and its last run report."""
    svc = _services(data, base_url)
    try:
        src = store_sources.get_source(svc.store, source_id)
        last = reports.runs(svc.store, source=src.id, limit=1)
    finally:
        svc.store.close()
    if as_json:
        click.echo(json.dumps({"source": src.__dict__,
                               "last_run": last[0].to_dict() if last else None},
                              ensure_ascii=False, indent=2))
        return
    click.echo(f"source {src.id}: {src.url}\n  éditeur / publisher: {src.publisher}\n"
               f"  nom / name: {src.name}\n  créée / created: {src.created}\n"
               f"  adresses privées / private addresses: {src.allow_private}\n"
               f"  non conformes / invalid records (policy): {src.policy}\n"
               f"  délai de retrait / grace days: {_grace(src.grace_days)}")
    click.echo(last[0].render() if last else "Aucune moisson / no harvest yet.")


def _grace(days: float | None) -> str:
    return "défaut / default" if days is None else f"{days:g}"


@source.command("remove")
@click.argument("source_id")
@data_option
@base_option
@guard
def source_remove(source_id, data, base_url) -> None:
    """Forget a source (its harvested records stay, no longer synchronised)."""
    svc = _services(data, base_url)
    try:
        src = store_sources.remove_source(svc.store, source_id)
    finally:
        svc.store.close()
    click.echo(f"Source supprimée / source removed: {src.id}")


def register_commands(cli: click.Group) -> None:
    cli.add_command(harvest)
    cli.add_command(source)
