"""`socle import catalogue.csv --publisher ID` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import socle
from tests.ingest.test_scdl_import import EXAMPLE, FILES


def _rennes(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    socle("publisher", "add", "rennes-metropole", "--name", "Rennes Métropole",
          "--siren", "243500139", data=data, check=True)
    return data


def test_csv_import_reports_rows_and_exits_zero(tmp_path: Path):
    data = _rennes(tmp_path)
    done = socle("import", str(EXAMPLE), "--publisher", "rennes-metropole", "--json",
                 data=data)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout[:done.stdout.rindex("}") + 1])
    assert report["summary"]["created"] == 3
    assert "créés/created=3" in done.stdout


def test_csv_bad_rows_are_named_in_french_then_english_and_exit_1(tmp_path: Path):
    data = _rennes(tmp_path)
    done = socle("import", str(FILES / "bad-rows.csv"), "--publisher", "rennes-metropole",
                 data=data)
    assert done.returncode == 1
    assert "ligne/line 3, DATE_PUBL : « 01/03/2025 » n'est pas une date" in done.stderr
    assert "is not a YYYY-MM-DD date" in done.stderr
    assert "Traceback" not in done.stderr
    assert "créés/created=1" in done.stdout


def test_csv_missing_columns_is_a_clear_error(tmp_path: Path):
    data = _rennes(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("ID;TITRE\na;b\n", encoding="utf-8")
    done = socle("import", str(bad), "--publisher", "rennes-metropole", data=data)
    assert done.returncode != 0
    assert "Colonnes manquantes" in done.stderr and "Columns missing" in done.stderr
    assert "Traceback" not in done.stderr
