"""Records cut from a scratch store (service/ingest/stream.py) are the closures the parsed
graph gives (split_catalogue), whatever the cutter's memo of shared nodes holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from service.ingest import stream
from service.ingest.stream import StoredDocument, cut_on_disk, syntax_for_path
from service.rdf.formats import BY_NAME
from service.rdf.parse import parse_rdf
from service.rdf.records import split_catalogue
from tests.conftest import SHARED

GENERATOR = SHARED / "generators" / "dcat_catalogue.py"


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    """30 datasets of the realistic generator: shared themes, licences, formats, places and
    publishers described once, which every record's closure reaches."""
    path = tmp_path_factory.mktemp("cut") / "cat.nt"
    path.write_bytes(subprocess.run([sys.executable, str(GENERATOR), "--n", "30", "--seed", "5",
                                     "--format", "nt"], capture_output=True, check=True).stdout)
    return path


def expected(path: Path) -> dict[URIRef, Graph]:
    records = split_catalogue(parse_rdf(path.read_bytes(), BY_NAME["ntriples"]))
    assert all(isinstance(r.root, URIRef) for r in records)
    return {r.root: r.graph for r in records}  # type: ignore[misc]


def graph_of(triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


@pytest.mark.parametrize("memo", [3, 4096])  # 3: the memo is emptied again and again
@pytest.mark.parametrize("on_disk", [False, True])
def test_cut_records_are_the_parsed_closures(catalogue: Path, monkeypatch, memo: int,
                                              on_disk: bool):
    monkeypatch.setattr(stream.Cutter, "MEMO", memo)
    monkeypatch.setattr(stream.Cutter, "SIGHTED", memo)
    want = expected(catalogue)
    with StoredDocument(syntax_for_path(catalogue.name), path=catalogue,
                        on_disk=on_disk) as stored:
        got = {extracted.root: graph_of(extracted.graph) for extracted in stored.records()}
        assert got.keys() == want.keys()
        for root, graph in want.items():
            assert isomorphic(got[root], graph), root
        if memo > 100:  # the shared nodes were kept (and read from the memo after)
            assert len(stored.cutter._memo) > 10


def test_workers_cut_on_disk_the_same_triples(catalogue: Path):
    with StoredDocument(syntax_for_path(catalogue.name), path=catalogue,
                        on_disk=True) as stored:
        for extracted in list(stored.records())[:10]:
            loader = extracted.graph.loader
            assert loader is not None and loader[0] is cut_on_disk
            assert loader[0](*loader[1]) == extracted.graph.native
        stream._OPENED.clear()
