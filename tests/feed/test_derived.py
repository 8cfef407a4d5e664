"""The derived store (service/derived) the feed reads: built live it equals one rebuilt from
the store; `socle reindex` rebuilds it; pending writes are repaired at the next check."""

from __future__ import annotations

import pytest

from service.derived.registry import rebuilt_snapshot
from service.derived.source import StoreSource
from service.derived.store import DerivedStore
from service.feed.index import Filters
from tests.conftest import post_ttl
from tests.feed import test_feed
from tests.feed.test_feed import N, dataset

filled = test_feed.filled  # the fixture


def tables(derived: DerivedStore) -> dict[str, list[tuple]]:
    return derived.snapshot()


@pytest.fixture
def changed(filled, svc, auth):
    """filled, then an update and a deletion: the live index has seen every kind of write."""
    first = svc.feed_index.page(Filters(), 0, 2).entries
    body = dataset(0, "AGRI", "blé")
    headers = {**auth, "Content-Type": "text/turtle"}
    assert filled.put(f"/datasets/{first[0].id}", data=body, headers=headers).status_code == 200
    assert filled.delete(f"/datasets/{first[1].id}", headers=auth).status_code == 204
    return filled


def test_live_index_equals_one_rebuilt_from_the_store(changed, svc):
    live = tables(svc.derived)
    assert live == rebuilt_snapshot(svc.store)
    assert len(live["feed_records"]) == N  # N + 1 written, one deleted
    assert ("blé",) in {(r[2],) for r in live["feed_values"]}


def test_pending_write_is_repaired_at_the_next_check(filled, svc):
    """A process killed between the derived store's log and its update leaves pending rows;
    the check at start rewrites those records as the store has them."""
    entry = svc.feed_index.page(Filters(), 0, 1).entries[0]
    derived = svc.derived
    derived.begin([entry.id, "never-written"])
    with derived.transaction() as db:  # as if the update of the index never happened
        for index in derived.indexes:
            index.delete(db, [entry.id])
    assert sorted(derived.pending()) == sorted([entry.id, "never-written"])
    assert derived.check(StoreSource(svc.store)) == "repaired 2"
    assert derived.pending() == []
    ids = [e.id for e in svc.feed_index.page(Filters(), 0, 100).entries]
    assert entry.id in ids and "never-written" not in ids


def test_reindex_command_rebuilds_every_index(filled, svc, settings):
    from click.testing import CliRunner

    from service.cli.root import main
    from service.derived.registry import INDEXES

    before = tables(svc.derived)
    path = svc.derived.path
    with svc.derived.transaction() as db:  # emptied: the command must refill it
        for index in svc.derived.indexes:
            index.clear(db)
    svc.close()  # the command opens the data directory itself
    result = CliRunner().invoke(main, ["reindex", "--data", settings.data])
    assert result.exit_code == 0, result.output
    assert f"{N + 1} fiches réindexées" in result.output
    assert "reindex :" in result.output  # progress lines (standard error)
    derived = DerivedStore(path)
    for factory in INDEXES:
        derived.register(factory())
    assert tables(derived) == before
    derived.close()


@pytest.mark.embedded_only("the rebuild's workers open the data directory themselves")
def test_rebuild_read_by_worker_processes_equals_one_read_in_process(changed, svc):
    """The readers of a large rebuild (derived/source.py: other processes, read-only handles
    of the store, the feed and profiled rows computed there and replayed, the search
    documents prepared there) give the tables an in-process rebuild gives, and the live
    ones."""
    from service.derived.registry import open_derived

    assert svc.store.path  # an on-disk store: the workers open it themselves
    scratch = open_derived(svc.store, memory=True)
    try:
        source = StoreSource(svc.store, workers=2)
        assert source._readable_path() == svc.store.path
        assert {i.name for i in scratch.indexes} >= {"feed", "profiled", "search"}
        assert scratch.rebuild(source) == N
        assert scratch.snapshot() == tables(svc.derived)
    finally:
        scratch.close()


def _offset_slice(svc, filters: Filters, start: int, size: int) -> list[str]:
    where, args = filters.where()
    with svc.derived.reading() as db:
        return [r[0] for r in db.execute(
            f"SELECT id FROM feed_records{where} ORDER BY okey, id LIMIT ? OFFSET ?",
            [*args, size, start])]


def test_deep_pages_from_anchors_are_the_offset_slices(filled, svc, auth, monkeypatch):
    """A page past the first anchor starts from the nearest (okey, id) anchor below it
    (FeedIndex._slice): every slice, filtered or not, equals the plain OFFSET one, before
    and after a creation and a deletion move the order."""
    import service.feed.index as index

    monkeypatch.setattr(index, "ANCHOR_STEP", 3)

    def check() -> None:
        for filters in (Filters(), Filters(publisher="montfort"), Filters(keyword="budget")):
            total = len(_offset_slice(svc, filters, 0, 1000))
            assert total > 3  # past the first anchor
            for size in (1, 2, 5):
                for start in range(total + 2):
                    got = [e.id for e in svc.feed_index.page(filters, start, size).entries]
                    assert got == _offset_slice(svc, filters, start, size), (filters, start)

    check()
    first = svc.feed_index.page(Filters(), 0, 1).entries[0].id
    assert post_ttl(filled, dataset(50), auth).status_code == 201
    assert filled.delete(f"/datasets/{first}", headers=auth).status_code == 204
    check()
