"""`socle reindex`: rebuild the derived store (service/derived) from the RDF store."""

from __future__ import annotations

import click

from service.cli.options import data_option, guard, open_data


@click.command()
@data_option
@guard
def reindex(data) -> None:
    """Rebuild every derived index (feed order and texts, search) from the store: after a
    restore made outside Socle, or to check the derived store. Progress on standard error."""
    from service.cli.progress import Progress
    from service.derived.registry import open_derived
    from service.derived.source import StoreSource
    from service.ops.admin import live_services

    live = live_services()  # run by the server (its store is locked): its own derived store
    if live is not None and live.derived is not None:
        store, derived, own = live.store, live.derived, False
    else:
        store = open_data(data)
        derived, own = open_derived(store), True
    progress = Progress("reindex")
    state = {"done": 0}

    def report(done: int, total: int | None) -> None:
        if done == 0:
            progress.start(total or 0)
        elif done > state["done"]:  # never a burst of nothing: the estimate divides by it
            progress.advance(done - state["done"])
            state["done"] = done

    try:
        with progress.reading("store"):
            source = StoreSource(store)
        count = derived.rebuild(source, report)
        progress.finish()
    finally:
        if own:
            derived.close()
    names = ", ".join(i.name for i in derived.indexes)
    click.echo(f"{count} fiches réindexées / records reindexed ({names}).")


def register_commands(cli: click.Group) -> None:
    cli.add_command(reindex)
