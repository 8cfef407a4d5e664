"""IRI ownership through `socle import` and harvest (issue 21 item 1): the takeover attempts
of tests/records/ownership_cases.py, as one catalogue of publisher iffendic, fail item by item
(same statuses as over HTTP) while montfort's record and the good item are kept."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DCAT

from service.app import build_services
from service.catalog import bookkeeping
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.ingest.harvest.setup import harvester
from service.ingest.harvest.sources import add_source
from service.ingest.rdf_import import import_graph
from service.rdf.formats import TURTLE
from service.rdf.parse import parse_rdf
from tests.cli.conftest import socle
from tests.conftest import BASE
from tests.ingest.conftest import harvest_settings
from tests.records.ownership_cases import (
    CASES,
    HIJACK,
    P1_ID,
    catalogue,
    check_outcomes,
    p1_record,
)


def montfort_first(settings: Settings) -> str:
    """montfort's record written, iffendic added; montfort's contact point node."""
    svc = build_services(settings)
    try:
        add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")
        add_publisher(svc.store, BASE, "iffendic", "Commune d'Iffendic", "213501338")
        report = import_graph(svc.records, "montfort", parse_rdf(p1_record().encode(), TURTLE))
        assert report.summary()["created"] == 1
        meta = bookkeeping.by_id(svc.store, P1_ID)
        return str(svc.records.graph(meta).value(URIRef(meta.iri), DCAT.contactPoint))
    finally:
        svc.store.close()


def assert_nothing_taken(settings: Settings) -> None:
    svc = build_services(settings)
    try:
        assert bookkeeping.by_id(svc.store, P1_ID).publisher == "montfort"
        graph = svc.store.graph(f"{BASE}/datasets/vocab")
        assert len(graph) and HIJACK not in graph.serialize(format="nt")
        assert bookkeeping.count_records(svc.store, "iffendic") == 1
    finally:
        svc.store.close()


def test_socle_import_refuses_each_takeover(tmp_path: Path):
    settings = harvest_settings(tmp_path)
    node = montfort_first(settings)
    source = tmp_path / "iffendic.ttl"
    source.write_text(catalogue(node), encoding="utf-8")
    done = socle("import", str(source), "--publisher", "iffendic", "--json",
                 "--base-url", BASE, data=Path(settings.data))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    report = json.loads(done.stdout)  # --json: the JSON alone on stdout
    found = {}
    for item in report["items"]:
        key = item["source"].removeprefix("identifier=")
        text = json.dumps(item.get("error") or item.get("dropped"), ensure_ascii=False)
        found[key] = (item["outcome"], text)
        if item["outcome"] == "failed":
            status = {c.key(node): c.status for c in CASES}[key]
            assert item["error"]["status"] == status, item
    check_outcomes(found, node)
    assert CASES[-1].shows in found["vocab"][1]  # the dropped statements, reported
    assert_nothing_taken(settings)


def test_harvest_refuses_each_takeover(tmp_path: Path, site):
    settings = harvest_settings(tmp_path)
    node = montfort_first(settings)
    site.add("/iffendic.ttl", catalogue(node).encode())
    svc = build_services(settings)
    try:
        run = harvester(svc).run(add_source(svc.store, site.url("/iffendic.ttl"), "iffendic"))
        assert run.status == "done"
        found = {i.key.removeprefix("identifier="): (i.outcome, f"{i.detail_fr} {i.detail_en}")
                 for i in run.items}
        check_outcomes(found, node)
        vocab = next(i for i in run.items if i.key.removeprefix("identifier=") == "vocab")
        # the dropped statements, reported in the run's item as in an import's
        assert CASES[-1].shows in json.dumps(vocab.dropped, ensure_ascii=False)
    finally:
        svc.store.close()
    assert_nothing_taken(settings)
