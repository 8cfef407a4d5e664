"""Keeping a publisher in sync with its source: unchanged records skipped before validation,
changed ones replaced, missing ones withdrawn after the grace period, provenance kept."""

from __future__ import annotations

import io

import pytest
from rdflib import URIRef

from bench.harvest_source import dataset_iri, pages
from service.catalog import bookkeeping
from service.errors import Conflict
from service.ingest.harvest import report as reports
from service.ingest.harvest import tracking
from service.ingest.harvest.sources import add_source, list_sources
from service.rdf.namespaces import DCTERMS, HARVEST_GRAPH

PATH = "/catalog.ttl"


def serve(site, items, page_size=3, **kw) -> str:
    for path, body in pages(site.base, PATH, items, page_size, **kw).items():
        site.add(path, body)
    return site.url(f"{PATH}?page=1")


def records_dump(store) -> bytes:
    """Everything but the harvest graph (whose run reports change at every run)."""
    out = io.BytesIO()
    store.dump(out)
    return b"\n".join(sorted(line for line in out.getvalue().splitlines()
                             if HARVEST_GRAPH.encode() not in line))


class CountingValidator:
    def __init__(self, inner) -> None:
        self.inner, self.calls = inner, 0

    def validate(self, graph):
        self.calls += 1
        return self.inner.validate(graph)


def test_first_harvest_creates_every_record_keeping_iris_and_identifiers(hsvc, engine, site):
    src = add_source(hsvc.store, serve(site, list(range(7))), "montfort")
    run = engine.run(src)
    assert run.status == "done" and run.pages == 3 and run.total_items == 7
    assert run.counts["created"] == 7 and run.counts["failed"] == 0
    meta = bookkeeping.by_iri(hsvc.store, dataset_iri(4))
    assert meta is not None and meta.id == "jeu-00004" and meta.publisher == "montfort"
    graph = hsvc.records.graph(meta)
    node = URIRef(dataset_iri(4))
    assert [str(o) for o in graph.objects(node, DCTERMS.identifier)] == ["jeu-00004"]
    prov = tracking.provenance(hsvc.store, dataset_iri(4))
    assert prov == [{"source": src.id, "url": src.url, "page": site.url(f"{PATH}?page=2"),
                     "harvested": prov[0]["harvested"]}]


def test_unchanged_source_is_skipped_before_validation_and_writes_nothing(hsvc, engine, site):
    src = add_source(hsvc.store, serve(site, list(range(7))), "montfort")
    engine.run(src)
    before = records_dump(hsvc.store)
    counting = CountingValidator(hsvc.records.validator)
    hsvc.records.validator = counting
    run = engine.run(src)
    assert run.counts["unchanged"] == 7 and run.status == "done"
    assert sum(run.counts.values()) == 7
    assert counting.calls == 0
    assert records_dump(hsvc.store) == before


def test_changed_record_is_replaced_others_untouched(hsvc, engine, site):
    src = add_source(hsvc.store, serve(site, list(range(5))), "montfort")
    engine.run(src)
    first = bookkeeping.by_iri(hsvc.store, dataset_iri(1))
    serve(site, list(range(5)), versions={2: 1})
    run = engine.run(src)
    assert (run.counts["updated"], run.counts["unchanged"]) == (1, 4)
    assert [i.key for i in run.items] == [dataset_iri(2)]
    assert bookkeeping.by_iri(hsvc.store, dataset_iri(1)) == first
    graph = hsvc.records.graph(bookkeeping.by_iri(hsvc.store, dataset_iri(2)))
    assert "(version 1)" in graph.serialize(format="nt")


def test_missing_record_is_withdrawn_after_the_grace(hsvc, engine, site):
    src = add_source(hsvc.store, serve(site, list(range(5))), "montfort")
    engine.run(src)
    serve(site, [0, 1, 3, 4], page_size=5)  # one page now, without dataset 2
    run = engine.run(src, grace_days=7)
    assert run.counts["missing"] == 1 and run.counts["withdrawn"] == 0
    assert bookkeeping.by_iri(hsvc.store, dataset_iri(2)) is not None
    missing = [i for i in run.items if i.outcome == "missing"][0]
    assert missing.key == dataset_iri(2) and "Absent de la source" in missing.detail_fr
    run = engine.run(src, grace_days=0)
    assert run.counts["withdrawn"] == 1
    assert bookkeeping.by_iri(hsvc.store, dataset_iri(2)) is None
    assert dataset_iri(2) not in tracking.tracked(hsvc.store, src.node)


def test_record_back_in_the_source_is_no_longer_missing(hsvc, engine, site):
    src = add_source(hsvc.store, serve(site, [0, 1], page_size=5), "montfort")
    engine.run(src)
    serve(site, [0], page_size=5)
    assert engine.run(src, grace_days=7).counts["missing"] == 1
    serve(site, [0, 1], page_size=5)
    run = engine.run(src, grace_days=7)
    assert run.counts == {**run.counts, "missing": 0, "unchanged": 2}
    assert tracking.tracked(hsvc.store, src.node)[dataset_iri(1)].missing_since is None


def test_partial_run_withdraws_nothing(hsvc, engine, site):
    src = add_source(hsvc.store, serve(site, list(range(6))), "montfort")
    engine.run(src)
    site.routes.pop(f"{PATH}?page=2")  # the source breaks halfway
    run = engine.run(src, grace_days=0)
    assert run.status == "partial" and run.counts["withdrawn"] == 0
    assert run.errors and "404" in run.errors[0]["detail_en"]
    assert all(bookkeeping.by_iri(hsvc.store, dataset_iri(i)) for i in range(6))


def test_record_deleted_by_its_curator_comes_back(hsvc, engine, site):
    src = add_source(hsvc.store, serve(site, [0, 1], page_size=5), "montfort")
    engine.run(src)
    hsvc.records.delete("montfort", "jeu-00001")
    run = engine.run(src)
    assert (run.counts["created"], run.counts["unchanged"]) == (1, 1)


def test_invalid_records_fail_with_reasons_and_good_ones_are_kept(hsvc, engine, site):
    body = pages(site.base, PATH, [0, 1], 5)[f"{PATH}?page=1"]
    body = body.replace('dct:title "Délibérations n°1"@fr ;', "")
    site.add(f"{PATH}?page=1", body)
    src = add_source(hsvc.store, site.url(f"{PATH}?page=1"), "montfort", policy="strict")
    run = engine.run(src)
    assert (run.counts["created"], run.counts["failed"]) == (1, 1)
    failed = [i for i in run.items if i.outcome == "failed"][0]
    assert failed.key == dataset_iri(1) and failed.detail_fr.startswith("Le jeu de données a")
    assert any("title" in (r["path"] or "") for r in failed.results)
    assert failed.results[0]["message"]["fr"]
    # Failed records are retried at the next run (no hash kept for them).
    assert engine.run(src).counts["failed"] == 1


def test_by_default_invalid_records_are_quarantined_rechecked_then_published(hsvc, engine,
                                                                            site):
    body = pages(site.base, PATH, [0, 1], 5)[f"{PATH}?page=1"]
    site.add(f"{PATH}?page=1", body.replace('dct:title "Délibérations n°1"@fr ;', ""))
    src = add_source(hsvc.store, site.url(f"{PATH}?page=1"), "montfort")
    assert src.policy == "quarantine"
    run = engine.run(src)
    assert (run.counts["created"], run.counts["quarantined"], run.counts["failed"]) == (1, 1, 0)
    held = [i for i in run.items if i.outcome == "quarantined"][0]
    assert held.detail_fr.startswith("En quarantaine") and held.results[0]["message"]["fr"]
    assert bookkeeping.by_iri(hsvc.store, dataset_iri(1)) is None  # not in the store
    [meta] = hsvc.records.list_private("montfort", "quarantine")[1]
    assert meta.iri == dataset_iri(1) and meta.validation["violations"] >= 1
    assert engine.run(src).counts["quarantined"] == 1  # re-checked, still there
    site.add(f"{PATH}?page=1", body)  # fixed at the source
    run = engine.run(src)
    assert run.counts["updated"] == 1 and run.counts["quarantined"] == 0
    assert bookkeeping.by_iri(hsvc.store, dataset_iri(1)) is not None
    assert hsvc.records.list_private("montfort")[0] == 0


def test_a_published_record_broken_at_its_source_moves_to_quarantine(hsvc, engine, site):
    body = pages(site.base, PATH, [0, 1], 5)[f"{PATH}?page=1"]
    site.add(f"{PATH}?page=1", body)
    src = add_source(hsvc.store, site.url(f"{PATH}?page=1"), "montfort")
    assert engine.run(src).counts["created"] == 2
    site.add(f"{PATH}?page=1", body.replace('dct:title "Délibérations n°1"@fr ;', ""))
    run = engine.run(src)
    assert (run.counts["quarantined"], run.counts["unchanged"]) == (1, 1)
    assert bookkeeping.by_iri(hsvc.store, dataset_iri(1)) is None  # out of the feed
    [meta] = hsvc.records.list_private("montfort", "quarantine")[1]
    assert meta.iri == dataset_iri(1)


def test_a_quarantined_record_gone_from_its_source_is_withdrawn(hsvc, engine, site):
    body = pages(site.base, PATH, [0, 1], 5)[f"{PATH}?page=1"]
    site.add(f"{PATH}?page=1", body.replace('dct:title "Délibérations n°1"@fr ;', ""))
    src = add_source(hsvc.store, site.url(f"{PATH}?page=1"), "montfort", grace_days=0)
    engine.run(src)
    serve(site, [0], page_size=5)
    run = engine.run(src)
    assert run.counts["withdrawn"] == 1
    assert hsvc.records.list_private("montfort")[0] == 0


def test_accept_invalid_source_takes_them_with_their_report(hsvc, engine, site):
    body = pages(site.base, PATH, [0], 5)[f"{PATH}?page=1"]
    site.add(f"{PATH}?page=1", body.replace('dct:title "Délibérations n°0"@fr ;', ""))
    src = add_source(hsvc.store, site.url(f"{PATH}?page=1"), "montfort", accept_invalid=True)
    run = engine.run(src)
    assert run.counts["created"] == 1 and run.items[0].violations >= 1
    meta = bookkeeping.by_iri(hsvc.store, dataset_iri(0))
    assert meta.validation["conforms"] is False and meta.validation["violations"] >= 1
    assert meta.validation["accepted_with_violations"] is True  # write policy "publish"


def test_report_is_kept_and_listed_newest_first(hsvc, engine, site):
    src = add_source(hsvc.store, serve(site, [0], page_size=5), "montfort")
    first = engine.run(src)
    second = engine.run(src)
    kept = reports.runs(hsvc.store, source=src.id)
    assert [r.run for r in kept] == [second.run, first.run]
    assert kept[1].counts["created"] == 1 and kept[0].counts["unchanged"] == 1
    assert "créés/created=0" in kept[0].render()
    assert list_sources(hsvc.store, "montfort") == [src]


def test_only_one_run_of_a_source_at_a_time(hsvc, engine, site):
    src = add_source(hsvc.store, serve(site, [0], page_size=5), "montfort")
    assert tracking.claim(hsvc.store, src.node, "someone-else", 60)
    with pytest.raises(Conflict):
        engine.run(src)
    tracking.release(hsvc.store, src.node, "someone-else")
    assert engine.run(src).status == "done"


def test_no_reader_sees_a_run_ended_while_its_lock_is_held(hsvc, engine, site, monkeypatch):
    """A client polling the report until the run ends may start the next run at once: the
    final report and the lock's release are one store change."""
    src = add_source(hsvc.store, serve(site, [0, 1], page_size=5), "montfort")
    store, seen = hsvc.store, []

    def checked(write):
        def call(arg):
            write(arg)
            last = reports.runs(store, source=src.id, limit=1)
            if last and last[0].status != "running":
                seen.append(tracking.holder(store, src.node))
        return call

    monkeypatch.setattr(store, "update", checked(store.update))
    monkeypatch.setattr(store, "apply", checked(store.apply))
    assert engine.run(src).status == "done"
    assert seen and seen[0] is None
    assert engine.run(src).status == "done"


def test_a_record_of_another_publisher_is_not_taken_over(hsvc, engine, site):
    from service.catalog.publishers import add_publisher

    add_publisher(hsvc.store, hsvc.settings.base_url, "iffendic", "Commune d'Iffendic", None)
    url = serve(site, [0], page_size=5)
    engine.run(add_source(hsvc.store, url, "montfort"))
    run = engine.run(add_source(hsvc.store, url, "iffendic"))
    assert run.counts["failed"] == 1
    assert "montfort" in run.items[0].detail_fr
    assert bookkeeping.by_iri(hsvc.store, dataset_iri(0)).publisher == "montfort"


def test_long_reports_list_failures_but_count_the_bulk(monkeypatch):
    from service.ingest.harvest.report import Item, RunReport

    monkeypatch.setattr("service.ingest.harvest.report.MAX_LISTED", 3)
    report = RunReport("s", "http://x", "p")
    for i in range(5):
        report.add(Item(f"k{i}", "created", f"r{i}"))
    report.add(Item("bad", "failed", None, "fr", "en"))
    assert report.counts["created"] == 5 and report.unlisted == 2
    assert [i.key for i in report.items] == ["k0", "k1", "k2", "bad"]
    assert RunReport.from_dict(report.to_dict()).unlisted == 2
    assert "non listés" in report.render()
