"""The derived rows made where records are prepared (service/derived/ahead.py): an import, with
worker processes or without, writes the rows a rebuild from the store gives, without reading
the written graphs back; a store that cannot give its literal forms gets no extractor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from service.derived.ahead import AHEAD, extractor
from service.derived.feed import parse_stamp
from service.derived.registry import rebuilt_snapshot
from service.derived.source import StoreSource
from service.ingest.rdf_import import import_records
from service.ingest.stream import StoredDocument, syntax_for_path
from tests.conftest import SHARED
from tests.records.test_bulk import services


def generated(n: int) -> str:
    """A realistic catalogue (shared nodes, typed literals) from the shared generator."""
    return subprocess.run([sys.executable, str(SHARED / "generators" / "dcat_catalogue.py"),
                           "--n", str(n), "--seed", "7", "--format", "nt"],
                          capture_output=True, check=True).stdout.decode()


def _never_read_back(*args, **kwargs):
    raise AssertionError("the written graphs were read back")


@pytest.mark.embedded_only("an embedded store gives its literal forms (Store.stored_form)")
@pytest.mark.parametrize("workers", [1, 2])
def test_import_rows_made_ahead_equal_a_rebuild(tmp_path: Path, monkeypatch, workers: int):
    path = tmp_path / "cat.nt"
    path.write_text(generated(30))
    svc, _ = services(tmp_path, "data")
    try:
        monkeypatch.setattr(StoreSource, "written", _never_read_back)
        with StoredDocument(syntax_for_path(path.name), path=path, on_disk=True) as stored:
            report = import_records(svc.records, "montfort", stored.records(), batch_size=7,
                                    workers=workers)
        monkeypatch.undo()
        assert report.to_dict()["summary"]["created"] >= 20
        live = svc.derived.snapshot()
        assert len(live["feed_records"]) == report.to_dict()["summary"]["created"]
        assert live == rebuilt_snapshot(svc.store)
        # the bookkeeping the writer added (a rebuild adds it the same way: checked apart)
        stamps = {r[0]: r[4] for r in live["feed_records"]}  # id -> modified as stored
        for doc in live["search_docs"]:
            assert doc[2] == "montfort" and doc[5]  # publisher, content hash
            assert parse_stamp(doc[4]) == parse_stamp(stamps[doc[0]])
    finally:
        svc.store.close()


@pytest.mark.embedded_only("an embedded store gives its literal forms (Store.stored_form)")
def test_a_batch_without_every_record_made_ahead_is_read_back(tmp_path: Path, monkeypatch):
    """A record that did not go through the extractor (not validated again, say) sends its
    whole batch the way of the records read back: rows are never half made ahead."""
    svc, _ = services(tmp_path, "data")
    try:
        writer = next(o for o in svc.records.observers if hasattr(o, "records_stored"))
        calls: list[int] = []
        real = StoreSource.written
        monkeypatch.setattr(StoreSource, "written",
                            lambda self, metas, texts=None: calls.append(len(metas))
                            or real(self, metas, texts))
        original = writer.records_stored

        def drop_one(metas, texts=None, extracted=None):
            if extracted and len(extracted) > 1:
                extracted = [{k: v for k, v in e.items() if k != AHEAD} if i == 0 else e
                             for i, e in enumerate(extracted)]
            original(metas, texts, extracted)

        monkeypatch.setattr(writer, "records_stored", drop_one)
        path = tmp_path / "cat.nt"
        path.write_text(generated(8))
        with StoredDocument(syntax_for_path(path.name), path=path, on_disk=False) as stored:
            import_records(svc.records, "montfort", stored.records(), batch_size=4)
        assert calls and all(n > 1 for n in calls)
        assert svc.derived.snapshot() == rebuilt_snapshot(svc.store)
    finally:
        svc.store.close()


def test_no_extractor_for_a_store_that_cannot_say():
    assert extractor([], None) is None
