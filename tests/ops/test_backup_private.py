"""Backups carry the drafts and quarantined records (kept beside the store, not in it):
restored into another data directory they are there again, still non-public."""

from __future__ import annotations

import io

from rdflib import Graph

from service.catalog.publishers import add_publisher
from service.config import Settings
from service.ops.backup import PRIVATE, restore_backup, write_backup
from service.services import build_services
from tests.conftest import BASE, VALID_TTL


def test_drafts_survive_a_backup_and_restore(tmp_path):
    source = build_services(Settings(data=str(tmp_path / "a"), base_url=BASE))
    try:
        add_publisher(source.store, BASE, "montfort", "Montfort")
        graph = Graph().parse(data=VALID_TTL, format="turtle")
        source.records.create("montfort", graph, "draft")
        archive = io.BytesIO()
        summary = write_backup(source.store, archive)
        assert PRIVATE in summary.files
    finally:
        source.close()
    target = build_services(Settings(data=str(tmp_path / "b"), base_url=BASE))
    try:
        restore_backup(target.store, io.BytesIO(archive.getvalue()))
        total, [meta] = target.records.list_private("montfort", "draft")
        assert total == 1 and meta.id == "deliberations-montfort"
        assert len(target.records.graph(meta)) > 10
        assert target.store.select("SELECT ?s WHERE { GRAPH ?g { ?s a "
                                   "<http://www.w3.org/ns/dcat#Dataset> } }") == []
    finally:
        target.close()
