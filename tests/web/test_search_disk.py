"""The search index on disk: kept in the data directory, answered from at the next start
without a rebuild, repaired at start when a write reached the store but not the index (a
crash between the two, a command run while no server ran), equal to a rebuilt one."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from service.app import create_app
from service.config import Settings
from service.rdf.formats import TURTLE
from service.rdf.parse import parse_rdf
from service.search import FACETS, SearchIndex
from service.search.db import FILE_NAME
from tests.conftest import BASE


def _app(data: Path):
    return create_app(Settings(data=str(data), base_url=BASE))


def _create(svc, ttl: str, i: int, title: str):
    body = ttl.replace('"deliberations-montfort"', f'"jeu-{i}"').replace(
        "Délibérations du conseil municipal", title)
    return svc.records.create("montfort", parse_rdf(body.encode(), TURTLE)).meta


def _without_search(svc):
    """The records service as if the process died before the index heard of the write."""
    svc.records.observers.remove(svc.search)


def _close(app) -> None:
    app.extensions["socle"].close()


def _answers(index: SearchIndex) -> list:
    return [(r.total, [d.id for d in r.docs], r.facets) for q in ("", "budget", "subventions",
            "deliberations conseil", "budget licorne")
            for r in [index.search(q, sort=s) for s in ("relevance", "date", "title")][:3]]


@pytest.fixture
def data(tmp_path, valid_ttl):
    """A data directory holding three records and the index the server built."""
    directory = tmp_path / "data"
    app = _app(directory)
    svc = app.extensions["socle"]
    from service.catalog.publishers import add_publisher

    add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu")
    assert len(svc.search) == 0  # built (empty) before the writes: they update it
    for i, title in enumerate(["Budget primitif", "Budget annexe", "Subventions 2024"]):
        _create(svc, valid_ttl, i, title)
    _close(app)
    return directory


def test_the_index_lives_in_the_data_directory_and_is_used_at_the_next_start(data,
                                                                               monkeypatch):
    assert (data / FILE_NAME).is_file()

    def no_rebuild(self):
        raise AssertionError("the index on disk should have been used")

    monkeypatch.setattr(SearchIndex, "rebuild", no_rebuild)
    app = _app(data)
    svc = app.extensions["socle"]
    assert svc.search.warm() == {"updated": 0, "removed": 0}
    response = app.test_client().get("/search?q=budgets", headers={"Accept": "application/json"})
    assert response.get_json()["total"] == 2
    _close(app)


def test_writes_the_index_missed_are_repaired_at_start(data, valid_ttl):
    app = _app(data)
    svc = app.extensions["socle"]
    _without_search(svc)
    new = _create(svc, valid_ttl, 9, "Délibérations budgétaires")
    svc.records.delete("montfort", "jeu-2")  # "Subventions 2024"
    meta = svc.records.meta("jeu-0")
    graph = svc.records.graph(meta)
    graph.set((URIRef(meta.iri), DCTERMS.title, Literal("Marchés publics", lang="fr")))
    svc.records.replace("montfort", "jeu-0", graph)
    assert svc.search.search("subventions").total == 1  # stale, as after a crash
    _close(app)

    app = _app(data)
    index = app.extensions["socle"].search
    assert index.warm() == {"updated": 2, "removed": 1}  # what serve runs at start
    assert [d.id for d in index.search("budgétaire").docs] == [new.id]
    assert index.search("subventions").total == 0
    assert [d.id for d in index.search("marchés").docs] == ["jeu-0"]
    assert index.warm() == {"updated": 0, "removed": 0}
    _close(app)


def test_live_index_equals_a_rebuilt_one(data, valid_ttl, tmp_path):
    app = _app(data)
    svc = app.extensions["socle"]
    _create(svc, valid_ttl, 5, "Budget des subventions")
    svc.records.delete("montfort", "jeu-1")
    live = svc.search
    fresh = SearchIndex(svc.store, str(tmp_path / "fresh"))
    assert fresh.rebuild() == len(live) == 3
    assert _answers(fresh) == _answers(live)
    assert set(live.search("").facets) == set(FACETS)
    fresh.close()
    _close(app)


def test_an_interrupted_rebuild_leaves_no_built_mark(data, monkeypatch):
    app = _app(data)
    index = app.extensions["socle"].search
    import service.search.index as module

    def broken(store):
        yield from []
        raise RuntimeError("killed")

    monkeypatch.setattr(module.docs, "scan", broken)
    with pytest.raises(RuntimeError):
        index.rebuild()
    monkeypatch.undo()
    assert index.built() and len(index) == 3  # rolled back: the previous index stays
    index.invalidate()
    assert not index.built()
    assert index.search("budget").total == 2 and index.built()  # rebuilt on first use
    _close(app)
