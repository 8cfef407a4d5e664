"""`socle import` runs the repair step: a real udata export (formats and URLs as text) is
taken and every repair is printed, in French first."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import socle
from tests.conftest import FIXTURES


def test_import_repairs_a_real_export_and_reports_each_repair(data: Path):
    source = FIXTURES / "udata-dcat" / "dcat" / "flat.jsonld"
    done = socle("import", str(source), "--publisher", "montfort", "--json", data=data)
    assert done.returncode == 0, done.stderr
    assert "RÉPARÉ / REPAIRED http://data.test.org/datasets/1" in done.stderr
    assert "format remplacé par le type de fichier du vocabulaire européen" in done.stderr
    body, _, _summary = done.stdout.rstrip().rpartition("\n")
    report = json.loads(body)
    assert report["summary"]["created"] == 3
    repairs = [r for item in report["items"] for r in item["repairs"]]
    assert ("dct:format", '"JSON"',
            "http://publications.europa.eu/resource/authority/file-type/JSON") in {
        (r["property"], r["before"], r["after"]) for r in repairs}
