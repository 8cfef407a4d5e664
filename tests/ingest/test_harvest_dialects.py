"""OpenDataSoft and CKAN portals as they publish DCAT (fixtures in tests/ingest/fixtures/,
written from their documented output: see its README)."""

from __future__ import annotations

import re

from rdflib import URIRef

from service.catalog import bookkeeping
from service.ingest.harvest.sources import add_source
from service.rdf.namespaces import DCTERMS
from tests.ingest.conftest import FIXTURES

ODS = "https://data.montfort.example/explore/dataset/"
CKAN_SITE = "https://ckan.montfort.example"


def serve_ods(site, name: str, export: str) -> str:
    path = f"/api/explore/v2.1/catalog/exports/{export}"
    return site.add_file(path, FIXTURES / name, content_type="application/rdf+xml")


def serve_ckan(site) -> str:
    rewrite = {f"{CKAN_SITE}/catalog.ttl": site.url("/catalog.ttl")}
    for n in (1, 2):
        site.add_file(f"/catalog.ttl?page={n}", FIXTURES / f"ckan-page-{n}.ttl", rewrite)
    return site.url("/catalog.ttl?page=1")


def test_ods_dcat_ap_export_is_taken_whole(hsvc, engine, site):
    url = serve_ods(site, "ods-dcat-ap.rdf", "dcat_ap_v1")
    run = engine.run(add_source(hsvc.store, url, "montfort"))
    assert run.status == "done" and run.pages == 1
    assert (run.counts["created"], run.counts["failed"]) == (4, 0), run.items
    meta = bookkeeping.by_iri(hsvc.store, f"{ODS}budget-primitif/")
    assert meta.id == "budget-primitif" and meta.validation["violations"] == 0


def test_ods_plain_dcat_export_is_taken_once_repaired(hsvc, engine, site):
    """Its defects are mechanical: titles without @fr (the catalogue declares French),
    "csv" instead of an EU file type. The repair step fixes them and reports each."""
    url = serve_ods(site, "ods-dcat.rdf", "dcat")
    run = engine.run(add_source(hsvc.store, url, "montfort"))
    assert (run.counts["created"], run.counts["failed"]) == (3, 0), run.items
    repaired = {r["property"] for item in run.items for r in item.repairs}
    assert {"dct:title", "dct:format"} <= repaired


def test_ods_plain_dcat_export_with_accept_invalid(hsvc, engine, site):
    url = serve_ods(site, "ods-dcat.rdf", "dcat")
    src = add_source(hsvc.store, url, "montfort", accept_invalid=True)
    run = engine.run(src)
    assert run.counts["created"] == 3 and all(i.repairs for i in run.items)
    graph = hsvc.records.graph(bookkeeping.by_iri(hsvc.store, f"{ODS}equipements-sportifs/"))
    assert str(graph.value(URIRef(f"{ODS}equipements-sportifs/"), DCTERMS.identifier)) == \
        "equipements-sportifs"
    assert engine.run(src).counts["unchanged"] == 3


def test_ckan_pages_with_legacy_hydra(hsvc, engine, site):
    src = add_source(hsvc.store, serve_ckan(site), "montfort", accept_invalid=True)
    run = engine.run(src)
    assert run.status == "done" and run.pages == 2 and run.total_items == 5
    assert run.counts["created"] == 5
    assert site.fetched("/catalog.ttl?page=2") == 1
    ids = sorted(m.id for m in bookkeeping.list_records(hsvc.store, publisher="montfort"))
    text = "".join((FIXTURES / f"ckan-page-{n}.ttl").read_text() for n in (1, 2))
    assert ids == sorted(re.findall(r'dct:identifier "([^"]+)"', text))


def test_ckan_pages_strict_taken_once_repaired(hsvc, engine, site):
    """The CKAN pages' defects (licences and sizes in other forms) are mechanical: taken
    by the strict default once repaired, each repair reported."""
    run = engine.run(add_source(hsvc.store, serve_ckan(site), "montfort"))
    assert run.status == "done" and (run.counts["failed"], run.counts["created"]) == (0, 5)
    assert {"dct:license"} <= {r["property"] for item in run.items for r in item.repairs}
