"""The private area (drafts, quarantine) is one SQLite file beside the store, shared by every
process of an instance: two handles on one file (as two processes hold) see each other's
writes at once, and concurrent writers lose nothing."""

from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor

from service.catalog.bookkeeping import RecordMeta
from service.catalog.private import FILE, PrivateArea

REPORT = {"conforms": False, "violations": 1, "warnings": 0, "results": [
    {"severity": "Violation", "path": "http://purl.org/dc/terms/description", "value": None,
     "focus": "x", "message": {"fr": "Ajoutez une description.", "en": "Add a description."}}]}


def _record(n: int, status: str = "draft") -> tuple[RecordMeta, str, list]:
    iri = f"https://data.example.fr/ds/{n}"
    meta = RecordMeta(f"r{n}", iri, "montfort", "2026-01-01T00:00:00.000Z",
                      "2026-01-01T00:00:00.000Z", f"h{n}", REPORT, status=status)
    return meta, f'<{iri}> <http://purl.org/dc/terms/identifier> "id-{n}" .', []


def test_two_handles_on_one_file_share_every_write(tmp_path):
    path = str(tmp_path / FILE)
    one, two = PrivateArea(path), PrivateArea(path)
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        one.put([_record(1)])
        assert two.metas("id", ["r1"])["r1"].status == "draft"
        assert two.identifier_ids("montfort", ["id-1"]) == {"id-1": "r1"}
        assert two.identifier_ids("iffendic", ["id-1"]) == {}  # per publisher
        with ThreadPoolExecutor(4) as pool:  # writers on both handles at once
            list(pool.map(lambda n: (one if n % 2 else two).put([_record(n, "quarantine")]),
                          range(2, 42)))
        assert one.count("montfort", "quarantine") == two.count("montfort", "quarantine") == 40
        two.remove(["r1"])
        assert one.get("r1") is None and one.identifier_ids("montfort", ["id-1"]) == {}
    finally:
        one.close()
        two.close()
