"""CLI commands of the territories area, wired into `socle` by service/cli/root.py:
`socle territory show|exempt|unexempt` and `socle publisher delegate`."""

from __future__ import annotations

import json
from typing import Any

import click

from service.cli.options import base_option, data_option, guard, open_data, open_store


@click.group("territory")
def territory() -> None:
    """French local authorities registry and the open-data obligation."""


@territory.command("show")
@click.argument("text")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@guard
def territory_show(text, as_json) -> None:
    """Resolve a name or code (commune, EPCI, département, région) to its INSEE IRI."""
    from service.territories.registry import registry
    from service.territories.resolve import resolve_one

    t = resolve_one(text)
    reg = registry()
    info = {"iri": t.iri, "label": t.label, "kind": t.kind, "code": t.code, "siren": t.siren,
            "population": t.legal_population, "broader": [b.iri for b in reg.broader(t)],
            "key": t.key}
    if as_json:
        click.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    fr, en = t.kind_label
    click.echo(f"{t.label} — {fr} / {en}\n  IRI: {t.iri}\n  code INSEE: {t.code}"
               f"{f'  SIREN: {t.siren}' if t.siren else ''}\n"
               f"  population: {t.legal_population if t.legal_population is not None else '?'}")
    for b in reg.broader(t):
        click.echo(f"  dans / in: {b.label} <{b.iri}>")


@territory.command("exempt")
@click.argument("siren")
@click.option("--reason", required=True, help="Why the obligation does not apply.")
@data_option
@guard
def territory_exempt(siren, reason, data) -> None:
    """Mark a commune or EPCI as exempt from the obligation (e.g. fewer than 50 agents)."""
    from service.territories.exemptions import exempt

    store = open_data(data)
    item = exempt(store, siren, reason)
    store.close()
    click.echo(f"Exemptée / exempt: {item.siren} ({item.reason})")


@territory.command("unexempt")
@click.argument("siren")
@data_option
@guard
def territory_unexempt(siren, data) -> None:
    """Remove an exemption."""
    from service.territories.exemptions import unexempt

    store = open_data(data)
    unexempt(store, siren)
    store.close()
    click.echo(f"Exemption retirée / removed: {siren}")


@click.command("delegate")
@click.argument("epci_id")
@click.option("--to", "commune_id", required=True, help="The member commune's publisher id.")
@click.option("--revoke", is_flag=True, help="Withdraw the delegation.")
@click.option("--force", is_flag=True,
              help="Skip the registry membership check (groupings it does not list).")
@data_option
@base_option
@guard
def publisher_delegate(epci_id, commune_id, revoke, force, data, base_url) -> None:
    """Let EPCI_ID's tokens write records for a member commune's publisher."""
    from service.territories.delegation import delegate
    from service.territories.delegation import revoke as revoke_delegation

    store, chosen = open_store(data, base_url)
    if revoke:
        revoke_delegation(store, chosen.base_url, epci_id, commune_id)
        click.echo(f"Délégation retirée / delegation revoked: {epci_id} → {commune_id}")
    else:
        delegate(store, chosen.base_url, epci_id, commune_id, force=force)
        click.echo(f"Délégation / delegation: les jetons de {epci_id} écrivent pour "
                   f"{commune_id} / {epci_id}'s tokens write for {commune_id}")
    store.close()


def add_publisher_command(store: Any, settings: Any, publisher_id: str | None,
                          name: str | None, siren: str | None) -> None:
    """`socle publisher add`: by SIREN from the registry, or by id and name as before."""
    from service.catalog.publishers import add_publisher
    from service.errors import SocleError
    from service.territories.publishers import add_by_siren

    if siren:
        added = add_by_siren(store, settings.base_url, siren, publisher_id, name)
        pub, t = added.publisher, added.territory
        if t is None:
            click.echo(f"Attention : SIREN {siren} absent du registre, éditeur créé sans "
                       f"territoire. / Warning: SIREN {siren} not in the registry, publisher "
                       "created without a territory.", err=True)
        else:
            fr, en = t.kind_label
            click.echo(f"{t.label} — {fr} / {en}, population "
                       f"{t.legal_population if t.legal_population is not None else '?'}, "
                       f"<{t.iri}>", err=True)
    else:
        if not publisher_id or not name:
            raise SocleError("Donnez --siren, ou un identifiant et --name.",
                             "Give --siren, or an id and --name.")
        pub = add_publisher(store, settings.base_url, publisher_id, name)
    store.close()
    click.echo(f"Éditeur créé / publisher created: {pub.id} <{pub.iri}>")


def register_commands(cli: click.Group) -> None:
    """`territory` at the top, `delegate` under the `publisher` group (registered before)."""
    cli.add_command(territory)
    publisher = cli.commands["publisher"]
    assert isinstance(publisher, click.Group)
    publisher.add_command(publisher_delegate)
