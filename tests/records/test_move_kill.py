"""A record moving between the private area and the store (issue 17: "private ↔ store move not
atomic") ends in exactly one place whatever kills the write: kill -9 before or after the store
transaction of a publish (draft → store) and of a hide (public → draft), then the next
process's writer resolves the logged move from the store (service/catalog/moves.py); and a
store transaction that fails in-process is resolved at once."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
from rdflib import Graph

from service.catalog import bookkeeping
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.derived.registry import rebuilt_snapshot
from service.errors import SocleError
from service.services import build_services
from tests.cli.conftest import HEAD, dataset, env
from tests.conftest import BASE, REPO
from tests.records.killed_mover import RECORD

DRAFT_TEXT = HEAD + dataset(1).replace("Délibérations n°1", "Délibérations n°1, brouillon")


def where(svc) -> tuple[bool, bool]:
    """(in the store, in the private area) of the record, and no move left pending."""
    assert svc.records.private.moves() == []
    return (bookkeeping.by_id(svc.store, RECORD) is not None,
            svc.records.private.get(RECORD) is not None)


def setup(data: str, status: str) -> str:
    """The record written as ``status``; returns its content hash."""
    svc = build_services(Settings(data=data, base_url=BASE))
    try:
        add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")
        result = svc.records.create("montfort", Graph().parse(data=HEAD + dataset(1),
                                                              format="turtle"), status=status)
        assert result.meta.id == RECORD
        return result.meta.content_hash
    finally:
        svc.close()


def killed(data: str, action: str, when: str) -> None:
    done = subprocess.run([sys.executable, "-m", "tests.records.killed_mover", data, BASE,
                           action, when, DRAFT_TEXT], cwd=REPO, env=env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr


# (action, when killed, status before) → (in the store, in the private area) after repair
CASES = [
    ("publish", "before", "draft", (False, True)),  # store never written: still a draft
    ("publish", "after", "draft", (True, False)),  # store written: published
    ("hide", "before", "public", (True, False)),  # store untouched: still public as it was
    ("hide", "after", "public", (False, True)),  # store dropped: a draft
]


@pytest.mark.slow
@pytest.mark.embedded_only("the writer process opens the data directory itself")
@pytest.mark.parametrize(("action", "when", "status", "expected"), CASES,
                         ids=[f"{a}-{w}" for a, w, _, _ in CASES])
def test_kill_9_mid_move_leaves_the_record_in_one_place(tmp_path, action, when, status,
                                                        expected):
    data = str(tmp_path / "data")
    before_hash = setup(data, status)
    killed(data, action, when)
    svc = build_services(Settings(data=data, base_url=BASE))  # its writer resolves the move
    try:
        assert where(svc) == expected
        in_store, _private = expected
        meta = svc.records.any_meta(RECORD)
        assert meta.public == in_store
        if action == "hide" and when == "before":
            assert meta.content_hash == before_hash  # the old public version, unchanged
        svc.warm()  # the feed's derived store repaired from the store (its own pending log)
        assert svc.derived.snapshot() == rebuilt_snapshot(svc.store)
        # The record is whole where it is: readable, and written again normally.
        assert len(svc.records.graph(meta)) > 10
        svc.records.replace("montfort", RECORD, Graph().parse(data=DRAFT_TEXT,
                                                              format="turtle"))
        assert where(svc) == (True, False)
    finally:
        svc.close()


class Failing(Exception):
    pass


@pytest.mark.parametrize("action", ["publish", "hide"])
def test_failed_store_transaction_of_a_move_is_resolved_at_once(tmp_path, action,
                                                                 monkeypatch):
    data = str(tmp_path / "data")
    setup(data, "draft" if action == "publish" else "public")
    svc = build_services(Settings(data=data, base_url=BASE))
    try:
        def fail(*_a, **_k):
            raise Failing("store down")

        monkeypatch.setattr(svc.store, "apply", fail)
        with pytest.raises((Failing, SocleError)):
            if action == "publish":
                svc.records.publish("montfort", RECORD)
            else:
                svc.records.replace("montfort", RECORD, Graph().parse(
                    data=DRAFT_TEXT, format="turtle"), status="draft")
        monkeypatch.undo()
        # Nothing moved, nothing lost, no move left for a later writer.
        assert where(svc) == ((False, True) if action == "publish" else (True, False))
    finally:
        svc.close()
