"""`socle validate --all`: after a shapes change, every stored record is checked again, the
stored reports follow, failures are listed per record in French then English."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from service.catalog.bookkeeping import by_id
from service.store import open_store
from tests.cli.conftest import Done, catalogue, socle
from tests.conftest import REPO

# A shapes change: distribution descriptions become mandatory (a Warning made a Violation).
STRICTER = ("sx:Distribution-dct_description-min a sh:PropertyShape ;\n"
            "    sh:path dct:description ;\n    sh:minCount 1 ;\n    sh:severity sh:Warning ;")


def stricter_shapes(tmp_path: Path) -> Path:
    shapes = tmp_path / "shapes"
    shutil.copytree(REPO / "shapes", shapes)
    text = (shapes / "dcat-ap-3.ttl").read_text("utf-8")
    assert STRICTER in text
    (shapes / "dcat-ap-3.ttl").write_text(
        text.replace(STRICTER, STRICTER.replace("sh:Warning", "sh:Violation")), "utf-8")
    return shapes


def run(*args: str, data: Path, shapes: Path | None = None) -> Done:
    return socle(*args, data=data, environ={"SOCLE_SHAPES_DIR": str(shapes)} if shapes else None)


def stored_report(data: Path, record_id: str) -> dict:
    store = open_store(str(data), read_only=True)
    try:
        return by_id(store, record_id).validation
    finally:
        store.close()


def test_validate_all_follows_a_shapes_change(data: Path, tmp_path: Path):
    source = tmp_path / "catalogue.ttl"
    source.write_text(catalogue(3), encoding="utf-8")
    socle("import", str(source), "--publisher", "montfort", data=data, check=True)
    before = stored_report(data, "jeu-0001")
    assert before["conforms"] and before["warnings"]

    same = run("validate", "--all", data=data)
    assert same.returncode == 0, same.stderr
    assert same.stdout.strip().splitlines()[-1] == (
        "vérifiés/checked=3 conformes/conforming=3 en erreur/violating=0 "
        "avec avertissements/with warnings=3 rapports mis à jour/reports updated=0")
    assert "Validation" in same.stderr  # progress on stderr

    shapes = stricter_shapes(tmp_path)
    strict = run("validate", "--all", data=data, shapes=shapes)
    assert strict.returncode == 1, strict.stderr
    assert "Traceback" not in strict.stderr
    assert "ÉCHEC / FAILED jeu-0001" in strict.stdout
    assert ("Recommandé : ajoutez une description (dct:description) à la distribution. / "
            "Recommended: add a description") in strict.stdout
    assert strict.stdout.strip().splitlines()[-1].startswith(
        "vérifiés/checked=3 conformes/conforming=0 en erreur/violating=3")
    after = stored_report(data, "jeu-0001")
    assert not after["conforms"] and after["violations"] == 1

    as_json = run("validate", "--all", "--json", data=data, shapes=shapes)
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)  # the summary line goes to stderr with --json
    assert "vérifiés/checked=3" in as_json.stderr
    assert report["summary"] == {"checked": 3, "conforming": 0, "violating": 3,
                                 "with_warnings": 3, "reports_changed": 0}
    assert {f["id"] for f in report["failures"]} == {"jeu-0000", "jeu-0001", "jeu-0002"}

    back = run("validate", "--all", data=data)
    assert back.returncode == 0
    assert stored_report(data, "jeu-0001") == before


def test_validate_needs_a_file_or_all(tmp_path: Path):
    done = socle("validate")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "--all" in done.stderr


def test_validate_all_on_an_empty_store(data: Path):
    done = run("validate", "--all", data=data)
    assert done.returncode == 0, done.stderr
    assert "vérifiés/checked=0" in done.stdout
    assert os.path.isdir(data)
