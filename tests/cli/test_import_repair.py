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


def test_relative_iris_need_base_and_import_like_harvest(data: Path):
    """Issue 17 defect 7: udata's catalog.xml has relative IRIs. Without --base the refusal
    says to give one; with it the import takes what the harvest of the same file takes
    (2 datasets once repaired, tests/ingest/test_harvest_catalogues.py)."""
    source = FIXTURES / "udata-dcat" / "dcat" / "catalog.xml"
    refused = socle("import", str(source), "--publisher", "montfort", data=data)
    assert refused.returncode != 0 and "--base" in refused.stderr
    done = socle("import", str(source), "--publisher", "montfort", "--base",
                 "http://data.test.org/", data=data)
    assert "créés/created=2 " in done.stdout, done.stdout + done.stderr
