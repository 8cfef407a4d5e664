"""The quality scores of a bulk import: they do not depend on where the records were prepared
(the facts found in the worker processes, ``--workers 2``, ``prepare.prepare``'s extractors,
give the same stored DQV graphs as an import done in one process), and the history snapshot
taken while it runs sums the stored counts as ``aggregate`` does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, Graph

from service.catalog.prepare import Job, prepare
from service.catalog.publishers import Publisher
from service.quality import dqv, keeper
from service.quality.facts import extract
from service.quality.keeper import QualityKeeper, aggregate_details
from service.quality.score import Score, aggregate, score
from service.rdf.namespaces import DCAT, QUALITY_GRAPH_PREFIX
from service.store import open_store
from service.validation import Validator
from tests.cli.conftest import socle
from tests.conftest import REPO, VALID_TTL
from tests.quality.conftest import FULL_IRI, FULL_TTL

GENERATOR = REPO.parent / "shared" / "generators" / "dcat_catalogue.py"


def _quality_quads(data: Path) -> set[tuple[str, str, str, str]]:
    store = open_store(str(data), read_only=True)
    try:
        rows = store.rows(f"""SELECT ?g ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
            FILTER(STRSTARTS(STR(?g), "{QUALITY_GRAPH_PREFIX}")) }}""")
        return {(r["g"], r["s"], r["p"], r["o"]) for r in rows}
    finally:
        store.close()


@pytest.mark.skipif(not GENERATOR.exists(), reason="../shared/generators not checked out")
def test_import_with_two_workers_stores_the_same_quality_quads(tmp_path: Path):
    source = tmp_path / "catalogue.nt"
    with source.open("w", encoding="utf-8") as out:  # shared nodes, some invalid records
        subprocess.run([sys.executable, str(GENERATOR), "--n", "60", "--seed", "7",
                        "--format", "nt", "--invalid-rate", "0.2"], stdout=out, check=True)
    quads = {}
    for workers in ("1", "2"):
        data = tmp_path / f"data-{workers}"
        socle("publisher", "add", "montfort", "--name", "Commune de Montfort-sur-Meu",
              "--siren", "213501882", data=data, check=True)
        done = socle("import", str(source), "--publisher", "montfort", "--policy",
                     "publish", "--workers", workers, data=data)
        assert "Traceback" not in done.stderr, done.stderr
        quads[workers] = _quality_quads(data)
    scored = {g for g, *_ in quads["1"]}
    assert len(scored) >= 60  # every dataset scored (and the catalogue's data services)
    assert quads["2"] == quads["1"]


def test_prepared_facts_equal_facts_read_from_the_stored_graph():
    """What the keeper gets from preparation is what it would extract from the text stored."""
    graph = Graph().parse(data=VALID_TTL, format="turtle")
    [root] = graph.subjects(RDF.type, DCAT.Dataset)
    publisher = Publisher("montfort", "Montfort", None, "https://catalogue.test/publishers/m")
    prepared = prepare("https://catalogue.test", publisher, Job(root, "jeu"), list(graph),
                       Validator(), [QualityKeeper.record_extractor])
    assert prepared.error is None and prepared.report is not None
    assert prepared.extracted["quality"] == extract(prepared.graph, prepared.iri)
    assert prepared.extracted["quality"].distributions


def test_snapshot_totals_equal_the_aggregate_of_the_stored_scores():
    """A history snapshot sums the stored counts as read: the same Score as aggregate()."""
    full = Graph().parse(data=FULL_TTL, format="turtle")
    sparse = Graph().parse(data=VALID_TTL, format="turtle")
    [root] = sparse.subjects(RDF.type, DCAT.Dataset)
    details = []
    for graph, iri in ((full, FULL_IRI), (sparse, str(root))):
        facts = extract(graph, iri)
        for conforms in (True, False):
            for state in (lambda _u: None, lambda _u: True, lambda _u: False):
                details.append(dqv.detail_json(score(facts, conforms, state)))
    details.append("{}")  # a score stored before an indicator existed: its defaults
    expected = aggregate(Score.from_compact(json.loads(d)) for d in details)
    assert aggregate_details(details) == expected
    assert expected.datasets == len(details) and expected.total > 0


def test_a_costly_snapshot_is_taken_less_often(svc, monkeypatch):
    """A snapshot reads every score of the publisher: one that took 10 s waits 10 / 0.05 =
    200 s (not 60) for the next, so that a long import spends at most 5 % of it there."""
    calls = []
    monkeypatch.setattr(keeper, "snapshot_all", lambda store, pub: calls.append(pub))
    times = iter([0.0, 61.0, 199.0, 201.0, 250.0])
    costs = iter([0.0, 10.0, 50.0, 50.1])  # 10 s for the first snapshot, 0.1 s for the second
    kept = QualityKeeper(svc.store, clock=lambda: next(times), timer=lambda: next(costs))
    for _ in range(5):
        kept.note_history({"montfort"})
    assert calls == ["montfort", "montfort"]  # at 0 s and 201 s; the next 60 s after (0.1 s)


@pytest.mark.parametrize("path", ["records_joining", "score_records"])
def test_a_score_under_an_id_now_naming_another_dataset_is_replaced_whole(tmp_path, path):
    """The stored score of an id whose dataset changed is not patched line by line: its graph
    is replaced, so no measurement of the former dataset stays (both write paths)."""
    from service.catalog.bookkeeping import RecordMeta
    from service.store.oxigraph import OxigraphStore

    store = OxigraphStore(str(tmp_path / "store"))
    kept = QualityKeeper(store)
    graph = Graph().parse(data=FULL_TTL, format="turtle")
    other = "https://data.montfort.fr/datasets/autre"

    def meta(iri: str, modified: str) -> RecordMeta:
        return RecordMeta("full", iri, "montfort", "2024-01-01T00:00:00Z", modified, "h",
                          {"conforms": True})

    def scored(iri: str, modified: str) -> None:
        entry = [(meta(iri, modified), list(graph))]
        if path == "records_joining":
            changes, after = kept.records_joining(entry)
            store.apply(changes)
            after()
        else:
            kept.score_records(entry)

    try:
        scored(FULL_IRI, "2024-01-01T00:00:00Z")
        scored(other, "2024-02-01T00:00:00Z")  # issued != modified: a stored score is read
        rows = store.rows(f"""SELECT DISTINCT ?iri WHERE {{ GRAPH <{dqv.graph_name("full")}> {{
            ?m <{dqv.DQV}computedOn> ?iri }} }}""")
        assert [r["iri"] for r in rows] == [other]
    finally:
        store.close()
