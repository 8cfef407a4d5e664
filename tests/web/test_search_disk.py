"""The search index on disk, in the derived store: answered from at the next start without a
rebuild, repaired at start when a write reached the store but not the index (a process killed
between the two: its pending-write row stays), equal to one rebuilt from the store."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.app import create_app
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.derived.observer import DerivedWriter
from service.derived.store import FILE_NAME, DerivedStore
from service.rdf.formats import TURTLE
from service.rdf.parse import parse_rdf
from service.search import FACETS
from tests.conftest import BASE
from tests.web.test_search_index import rebuilt

JSON = {"Accept": "application/json"}


def _app(data: Path):
    return create_app(Settings(data=str(data), base_url=BASE))


def _create(svc, ttl: str, i: int, title: str):
    body = ttl.replace('"deliberations-montfort"', f'"jeu-{i}"').replace(
        "Délibérations du conseil municipal", title)
    return svc.records.create("montfort", parse_rdf(body.encode(), TURTLE)).meta


def _answers(index) -> list:
    return [(r.total, [d.id for d in r.docs], r.facets)
            for q in ("", "budget", "subventions", "deliberations conseil", "budget licorne")
            for r in [index.search(q, sort=s) for s in ("relevance", "date", "title")]]


@pytest.fixture
def data(tmp_path, valid_ttl):
    """A data directory holding three records and the derived store the server kept."""
    directory = tmp_path / "data"
    app = _app(directory)
    svc = app.extensions["socle"]
    add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu")
    for i, title in enumerate(["Budget primitif", "Budget annexe", "Subventions 2024"]):
        _create(svc, valid_ttl, i, title)
    svc.close()
    return directory


def test_the_index_is_used_at_the_next_start_without_a_rebuild(data, monkeypatch):
    assert (data / FILE_NAME).is_file()

    def no_rebuild(self, source, progress=None):
        raise AssertionError("the index on disk should have been used")

    monkeypatch.setattr(DerivedStore, "rebuild", no_rebuild)
    app = _app(data)
    response = app.test_client().get("/search?q=budgets", headers=JSON)
    assert response.get_json()["total"] == 2
    app.extensions["socle"].close()


def test_a_write_the_index_missed_is_repaired_at_start(data, valid_ttl):
    app = _app(data)
    svc = app.extensions["socle"]
    writer = next(o for o in svc.records.observers if isinstance(o, DerivedWriter))
    # As if killed after the store write: the pending row committed, the index never told.
    svc.records.observers.remove(writer)
    writer.records_pending(["jeu-9", "jeu-2"])
    new = _create(svc, valid_ttl, 9, "Délibérations budgétaires")
    svc.records.delete("montfort", "jeu-2")  # "Subventions 2024"
    assert svc.search.search("budgétaire").total == 0  # stale
    svc.close()

    app = _app(data)
    index = app.extensions["socle"].search
    assert [d.id for d in index.search("budgétaire").docs] == [new.id]
    assert index.search("subventions").total == 0
    app.extensions["socle"].close()


def test_live_index_equals_a_rebuilt_one(data, valid_ttl):
    app = _app(data)
    svc = app.extensions["socle"]
    _create(svc, valid_ttl, 5, "Budget des subventions")
    svc.records.delete("montfort", "jeu-1")
    live = svc.search
    fresh = rebuilt(svc.store)
    assert len(fresh) == len(live) == 3
    assert _answers(fresh) == _answers(live)
    assert set(live.search("").facets) == set(FACETS)
    svc.close()
