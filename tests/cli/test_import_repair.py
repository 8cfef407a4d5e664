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
    report = json.loads(done.stdout)  # --json: the JSON alone on stdout (issue 17 defect 10)
    assert "créés/created=3 " in done.stderr.splitlines()[-1]
    assert report["summary"]["created"] == 3
    repairs = [r for item in report["items"] for r in item["repairs"]]
    assert ("dct:format", '"JSON"',
            "http://publications.europa.eu/resource/authority/file-type/JSON") in {
        (r["property"], r["before"], r["after"]) for r in repairs}


def test_relative_iris_need_base_and_import_like_harvest(data: Path):
    """Issue 17 defect 7: udata's catalog.xml has relative IRIs. Without --base the refusal
    says to give one; with it the import takes what the harvest of the same file takes
    (3 datasets once repaired, tests/ingest/test_harvest_catalogues.py)."""
    source = FIXTURES / "udata-dcat" / "dcat" / "catalog.xml"
    refused = socle("import", str(source), "--publisher", "montfort", data=data)
    assert refused.returncode != 0 and "--base" in refused.stderr
    done = socle("import", str(source), "--publisher", "montfort", "--base",
                 "http://data.test.org/", data=data)
    assert "créés/created=3 " in done.stdout, done.stdout + done.stderr


def test_identifier_of_another_record_refused_per_item(data: Path):
    """Issue 17 defect 6: udata's flat.jsonld and bnodes.xml both have datasets with
    dct:identifier "2" and "3" under other IRIs. Imported for one publisher, the second
    file's are refused, each naming the record that has its identifier (data.gouv.fr would
    fail them on harvest); the rest of the file is kept."""
    first = socle("import", str(FIXTURES / "udata-dcat" / "dcat" / "flat.jsonld"),
                  "--publisher", "montfort", "--json", data=data)
    assert first.returncode == 0, first.stderr
    done = socle("import", str(FIXTURES / "udata-dcat" / "dcat" / "bnodes.xml"),
                 "--publisher", "montfort", "--base", "http://data.test.org/dcat/", "--json",
                 data=data)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    failed = {i["source"]: i["error"] for i in report["items"] if i["outcome"] == "failed"}
    refused = {k: e for k, e in failed.items() if e.get("identifier")}
    assert sorted(refused) == ["http://data.test.org/dcat/dataset-2",
                               "http://data.test.org/dcat/dataset-3"]
    error = refused["http://data.test.org/dcat/dataset-2"]
    assert error["status"] == 409
    assert (error["identifier"], error["record"], error["record_iri"]) == (
        "2", "2", "http://data.test.org/datasets/2")
    assert "« 2 » est déjà celui de l'enregistrement « 2 » " \
           "(http://data.test.org/datasets/2)" in error["detail_fr"]
    assert "'2' already belongs to record '2'" in error["detail_en"]
    assert "ÉCHEC / FAILED http://data.test.org/dcat/dataset-2: L'identifiant" in done.stderr
    # The rest of the file is taken (its data service; its blank-node dataset with identifier
    # "1" is record 1, not a duplicate: it fails on its own violation).
    assert report["summary"]["created"] == 1
    assert failed["identifier=1"]["status"] == 422


def test_same_identifier_twice_in_one_file(data: Path, tmp_path: Path):
    """Two datasets of one document with one dct:identifier under two IRIs: the first is
    taken, the second refused (in the same batch as in two imports)."""
    from tests.cli.conftest import HEAD, dataset

    one = dataset(1).replace("[] a dcat:Dataset", "<https://data.example.fr/ds/a> a dcat:Dataset")
    two = one.replace("/ds/a>", "/ds/b>")
    source = tmp_path / "twice.ttl"
    source.write_text(HEAD + one + "\n" + two, encoding="utf-8")
    done = socle("import", str(source), "--publisher", "montfort", "--json", data=data)
    assert done.returncode == 1
    items = {i["source"]: i for i in json.loads(done.stdout)["items"]}
    assert items["https://data.example.fr/ds/a"]["outcome"] == "created"
    refused = items["https://data.example.fr/ds/b"]
    assert refused["outcome"] == "failed" and refused["error"]["identifier"] == "jeu-0001"


def test_refused_command_prints_its_problem_as_json(data: Path, tmp_path: Path):
    """Issue 17 defect 10: with --json, a command refused as a whole still prints JSON."""
    done = socle("import", str(tmp_path / "absent.ttl"), "--publisher", "montfort", "--json",
                 data=data)
    assert done.returncode == 2
    problem = json.loads(done.stdout)
    assert problem["detail_fr"].startswith("Fichier introuvable") and problem["detail_en"]
    assert "Erreur : Fichier introuvable" in done.stderr


def test_import_repairs_an_rdfxml_document_that_does_not_parse(data: Path):
    """GeoNetwork's export (an IRI with a space, a link element with text) is read once
    repaired, as the harvest reads it, and the document's repairs are reported."""
    source = FIXTURES / "udata-dcat" / "dcat" / "geonetwork.xml"
    done = socle("import", str(source), "--publisher", "montfort", "--json", data=data)
    assert "RÉPARÉ / REPAIRED document" in done.stderr, done.stderr
    report = json.loads(done.stdout)
    kinds = {(r["kind"], r["property"]) for r in report["document_repairs"]}
    assert ("iri-encoded", "rdf:about") in kinds and ("resource-text", "dcat:theme") in kinds
    # read at last: what keeps its dataset out is DCAT-AP, not the syntax (no description)
    assert report["summary"]["failed"] == 1, report["summary"]
    assert "description" in done.stderr
