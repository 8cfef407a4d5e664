"""Harvest another Socle's feed and get identical records: a second app instance (the demo
catalogue, 31 records of 5 publishers, of varied shapes) served by waitress on 127.0.0.1, its
`/catalog` paged 7 by 7, harvested into one publisher of the first instance."""

from __future__ import annotations

import socket
import threading

import pytest
from rdflib import Graph, URIRef
from waitress.server import create_server

from service.app import build_services, create_app
from service.catalog import bookkeeping
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.ingest.harvest.setup import harvester
from service.ingest.harvest.sources import add_source
from service.rdf.namespaces import DCTERMS
from tests.conftest import BASE
from tests.ingest.conftest import harvest_settings

PAGE_SIZE = 7


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def other_socle(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = create_app(Settings(data=str(tmp_path / "other"), base_url=base, demo=True))
    server = create_server(app, host="127.0.0.1", port=port, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield app.extensions["socle"], base
    server.close()
    app.extensions["socle"].store.close()


def _without_publisher(graph: Graph) -> set:
    publishers = set(graph.objects(None, DCTERMS.publisher))
    return {t for t in graph if t[1] != DCTERMS.publisher and t[0] not in publishers}


def test_round_trip_through_the_feed(hsvc, engine, other_socle):
    other, base = other_socle
    originals = bookkeeping.list_records(other.store, limit=1000)
    assert len(originals) == 31
    src = add_source(hsvc.store, f"{base}/catalog.ttl?page_size={PAGE_SIZE}", "montfort")
    run = engine.run(src)
    assert run.status == "done", run.errors
    assert run.pages == -(-31 // PAGE_SIZE)
    assert (run.counts["created"], run.counts["failed"]) == (31, 0), run.items
    for meta in originals:
        mine = bookkeeping.by_iri(hsvc.store, meta.iri)
        assert mine is not None and mine.publisher == "montfort"
        theirs_graph, mine_graph = other.records.graph(meta), hsvc.records.graph(mine)
        assert _without_publisher(mine_graph) == _without_publisher(theirs_graph), meta.iri
        node = URIRef(meta.iri)
        assert sorted(mine_graph.objects(node, DCTERMS.identifier)) == \
            sorted(theirs_graph.objects(node, DCTERMS.identifier))
    again = engine.run(src)
    assert again.counts["unchanged"] == 31


@pytest.mark.parametrize("ext", ["rdf", "jsonld", "nt"])
def test_round_trip_in_every_syntax(tmp_path, other_socle, ext):
    other, base = other_socle
    svc = build_services(harvest_settings(tmp_path / ext))
    add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", None)
    run = harvester(svc).run(add_source(svc.store, f"{base}/catalog.{ext}?page_size=10",
                                        "montfort"))
    assert run.status == "done" and run.counts["created"] == 31, (run.errors, run.items)
    for meta in bookkeeping.list_records(other.store, limit=1000):
        mine = svc.records.graph(bookkeeping.by_iri(svc.store, meta.iri))
        assert _without_publisher(mine) == _without_publisher(other.records.graph(meta))
    svc.store.close()
