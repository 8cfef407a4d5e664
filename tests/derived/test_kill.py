"""kill -9 between the store transaction and the derived store's update (issue 18): the next
start finds the pending writes, repairs them from the store (no rebuild), and the derived
store then equals one rebuilt from the store. tests/cli/test_kill.py kills `socle import` at
a random moment and checks the same."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from rdflib import Graph

from service.catalog.bookkeeping import list_records
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.derived.registry import rebuilt_snapshot
from service.feed.index import Filters
from service.services import build_services
from tests.cli.conftest import dataset, env
from tests.conftest import BASE, REPO, VALID_TTL

HEAD = VALID_TTL.partition("[] a dcat:Dataset")[0]


def killed(data: str, action: str, arg: str) -> None:
    done = subprocess.run([sys.executable, "-m", "tests.derived.killed_writer", data, BASE,
                           action, arg], cwd=REPO, env=env(), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.mark.slow
@pytest.mark.embedded_only("the writer process opens the data directory itself")
def test_kill_9_between_store_and_derived_store_is_repaired_at_start(tmp_path):
    data = str(tmp_path / "data")
    settings = Settings(data=data, base_url=BASE)
    svc = build_services(settings)
    add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")
    for i in range(3):
        svc.records.create("montfort", Graph().parse(data=HEAD + dataset(i), format="turtle"))
    first = svc.feed_index.page(Filters(), 0, 1).entries[0].id
    svc.close()

    # A create: in the store, not in the derived store. The next process (the delete's)
    # repairs it at its start, before its own write.
    killed(data, "create", HEAD + dataset(99))
    killed(data, "delete", first)  # gone from the store, still in the derived store

    svc = build_services(settings)
    try:
        assert svc.derived.pending() == [first]  # what the last killed process left
        svc.warm()
        assert svc.feed_index.last_check == "repaired 1"
        ids = {e.id for e in svc.feed_index.page(Filters(), 0, 100).entries}
        assert ids == {m.id for m in list_records(svc.store)}
        assert first not in ids and len(ids) == 3 and "jeu-0099" in ids
        assert svc.derived.snapshot() == rebuilt_snapshot(svc.store)
    finally:
        svc.close()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
@pytest.mark.embedded_only("the rebuild's workers open the data directory themselves")
@pytest.mark.parametrize("when", ["read", "start"])
def test_kill_9_of_a_rebuild_leaves_no_worker_behind(tmp_path, when):
    """`socle reindex` killed -9 cannot stop its readers: they notice and end themselves,
    whether serving or still starting (then they must not watch the process that adopted
    them)."""
    data = str(tmp_path / "data")
    svc = build_services(Settings(data=data, base_url=BASE))
    add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")
    for i in range(6):
        svc.records.create("montfort", Graph().parse(data=HEAD + dataset(i), format="turtle"))
    svc.close()
    rebuild = subprocess.Popen([sys.executable, "-m", "tests.derived.orphan_rebuild", data,
                                when],
                               cwd=REPO, env=env(), stdout=subprocess.PIPE, text=True)
    try:
        assert rebuild.stdout is not None
        workers = [int(pid) for pid in rebuild.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
    finally:
        rebuild.kill()
        rebuild.wait(30)
    give_up = time.monotonic() + 60  # a bound on waiting, not a timing assertion
    while any(_alive(pid) for pid in workers) and time.monotonic() < give_up:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)
