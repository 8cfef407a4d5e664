"""A remote store's dump (`socle export`, `socle backup`) reads a chunk of graphs per query, so
no answer grows with the catalogue, and is still one snapshot: a write that lands between two
of its queries makes it start again, and a store that keeps changing is reported busy."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from service.errors import StoreBusy
from service.store.base import PutGraph
from service.store.sparql import SparqlStore

GRAPHS = 450  # more than one query's chunk (SparqlStore.graphs)


def put(store: SparqlStore, i: int, value: str) -> None:
    store.apply([PutGraph(f"urn:test:g{i}", [
        (URIRef(f"urn:test:s{i}"), URIRef("urn:test:p"), Literal(value))])])


def quads(dump: bytes) -> set[str]:
    return {str(q) for q in ox.parse(dump, format=ox.RdfFormat.N_QUADS)}


class WritesDuringDump(SparqlStore):
    """A store written to (by another process) in the middle of each of its first `writes`
    reads of every graph."""

    writes = 0

    def graphs(self, names):
        for n, (name, triples) in enumerate(super().graphs(names)):
            if n == 1 and self.writes:
                self.writes -= 1
                put(self, 0, f"changed-{self.writes}")
            yield name, triples


@pytest.fixture
def filled(oxigraph):
    store = oxigraph.store()
    for i in range(GRAPHS):
        put(store, i, "v1")
    return oxigraph


def test_a_dump_in_chunks_has_every_quad(filled):
    out = io.BytesIO()
    filled.store().dump(out)
    assert quads(out.getvalue()) == {
        f'<urn:test:s{i}> <urn:test:p> "v1" <urn:test:g{i}>' for i in range(GRAPHS)}


def test_a_write_during_a_dump_makes_it_start_again(filled):
    store = WritesDuringDump(filled.remote())
    store.writes = 1
    out = io.BytesIO()
    store.dump(out)
    assert '<urn:test:s0> <urn:test:p> "changed-0" <urn:test:g0>' in quads(out.getvalue())
    assert len(quads(out.getvalue())) == GRAPHS


def test_a_store_that_keeps_changing_is_busy_and_nothing_is_written(filled):
    store = WritesDuringDump(filled.remote())
    store.writes = 3
    out = io.BytesIO()
    with pytest.raises(StoreBusy) as busy:
        store.dump(out)
    assert out.getvalue() == b""
    assert "réessayez" in busy.value.detail_fr
