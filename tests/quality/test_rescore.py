"""A rescore writes only the DQV lines that changed, many records per request, while it
scores the next batch: what it leaves must be exactly what a first scoring writes."""

from __future__ import annotations

import pytest
from rdflib import Graph

from service.catalog.bookkeeping import RecordMeta, bookkeeping_change
from service.quality import keeper, writes
from service.quality.links import results
from service.quality.links.results import LinkResult
from service.rdf.namespaces import QUALITY_GRAPH_PREFIX
from service.store import PutGraph, open_store
from tests.quality.conftest import FULL_IRI, FULL_TTL

BASE = "https://catalogue.test"
N = 7
STAMP = "2026-12-05T08:00:00Z"


def _url(k: int) -> str:
    return f"https://files.montfort.fr/f{k}.csv"


def _load(path: str):
    """N records: URLs shared between some of them, every other one not conforming."""
    store = open_store(path)
    for i in range(N):
        iri = f"{FULL_IRI}-{i}"
        text = FULL_TTL.replace(FULL_IRI, iri)
        text = text.replace("https://files.montfort.fr/deliberations.csv", _url(i % 3), 1)
        graph = Graph().parse(data=text, format="turtle").skolemize(
            authority="https://catalogue.test", basepath=f"/.well-known/genid/{i}/")
        meta = RecordMeta(f"r{i}", iri, "montfort" if i % 2 else "rennes", STAMP, STAMP, "h",
                          {"conforms": i % 2 == 0})
        store.apply([PutGraph(iri, list(graph)),
                     bookkeeping_change(BASE, meta, f"{BASE}/publishers/{meta.publisher}")])
    return store


def _dqv(store) -> set[str]:
    return {str(q) for q in store.native
            if q.graph_name.value.startswith(QUALITY_GRAPH_PREFIX)}


def _checked(store, states: dict[int, bool | None]) -> None:
    results.save(store, [LinkResult(_url(k), ok, STAMP, status=200 if ok else 404)
                         for k, ok in states.items()])
    results.save(store, [LinkResult("https://files.montfort.fr/deliberations.csv", True,
                                    STAMP, status=200)])


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    """Batches of 3 records: several requests, the last one short."""
    monkeypatch.setattr(keeper, "BATCH", 3)
    monkeypatch.setattr(writes, "BATCH", 3)


@pytest.mark.parametrize("states", [{0: True, 1: True, 2: True},
                                    {0: False, 1: True, 2: None},
                                    {0: False, 1: False, 2: False}])
def test_rescore_after_link_check_equals_a_first_scoring(tmp_path, states):
    store = _load(str(tmp_path / "rescored"))
    first = keeper.rescore_all(store, snapshot=False)
    assert (first.scored, first.changed) == (N, N)
    _checked(store, {0: True, 1: False, 2: True})  # an earlier check
    keeper.rescore_all(store, snapshot=False)
    _checked(store, states)
    again = keeper.rescore_all(store, snapshot=False)

    fresh = _load(str(tmp_path / "fresh"))
    _checked(fresh, states)
    keeper.rescore_all(fresh, refresh=True, snapshot=False)

    assert _dqv(store) == _dqv(fresh)
    assert {r["id"]: r["score"] for r in keeper.stored(store)} == \
        {r["id"]: r["score"] for r in keeper.stored(fresh)}
    assert again.changed > 0
    assert keeper.rescore_all(store, snapshot=False).changed == 0
    store.close()
    fresh.close()


def test_line_updates_are_one_delete_then_one_insert():
    text = writes.line_updates([("urn:g:1", ["<a> <b> <c>"], ["<a> <b> <d>"]),
                                ("urn:g:2", [], ["<e> <f> <g>"])])
    assert text == ("DELETE DATA {\nGRAPH <urn:g:1> { <a> <b> <c> }\n} ;\n"
                    "INSERT DATA {\nGRAPH <urn:g:1> { <a> <b> <d> }\n"
                    "GRAPH <urn:g:2> { <e> <f> <g> }\n}")


def test_writer_runs_in_order_and_stops_at_the_first_failure():
    done: list[int] = []

    def fail() -> None:
        raise ValueError("store refused")

    writer = writes.Writer(depth=1)
    writer.run(done.append, 1)
    writer.run(fail)
    with pytest.raises(ValueError, match="store refused"):
        for k in range(2, 6):
            writer.run(done.append, k)
        writer.close()
    with pytest.raises(ValueError, match="store refused"):
        writer.close()
    assert done == [1]
