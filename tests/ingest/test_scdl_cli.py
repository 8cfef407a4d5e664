"""`socle import catalogue.csv --publisher ID` through the real command line (subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import data, socle  # noqa: F401  (the `data` fixture)
from tests.cli.test_cli import record_ids
from tests.ingest.scdl_csv import EXAMPLE, example_rows, write_csv


def test_csv_import_reports_rows_in_french_then_english(data: Path, tmp_path: Path):  # noqa: F811
    header, rows = example_rows()
    rows[1]["COUV_TEMP_FIN"] = "31/12/2024"
    source = tmp_path / "catalogue.csv"
    source.write_bytes(write_csv(header, rows, sep=";", encoding="cp1252"))
    done = socle("import", str(source), "--publisher", "montfort", "--json", data=data)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    err = done.stderr.splitlines()
    at = err.index("ligne 3 / line 3 : deliberations-du-conseil-metropolitain : ÉCHEC / failed")
    assert err[at + 1].startswith("    - colonne COUV_TEMP_FIN : « 31/12/2024 » n'est pas")
    assert err[at + 2].startswith("      column COUV_TEMP_FIN: '31/12/2024' is not")
    assert any(line.startswith("ligne 2 / line 2 : prenoms-des-nouveaux-nes-a-rennes-en-2017 "
                               ": créé / created") for line in err)
    assert done.stderr.splitlines()[-1] == (  # --json: stdout is the JSON alone
        "créés/created=2 mis à jour/updated=0 inchangés/unchanged=0 échecs/failed=1")
    report = json.loads(done.stdout)
    assert report["row_errors"] == [{
        "line": 3, "column": "COUV_TEMP_FIN",
        "message_fr": "« 31/12/2024 » n'est pas une date AAAA-MM-JJ",
        "message_en": "'31/12/2024' is not a YYYY-MM-DD date"}]
    assert record_ids(data) == {"prenoms-des-nouveaux-nes-a-rennes-en-2017",
                                "budget-primitif-2024"}


def test_good_csv_exits_zero_and_reimport_is_unchanged(data: Path):  # noqa: F811
    done = socle("import", str(EXAMPLE), "--publisher", "montfort", "--workers", "2",
                 "--batch-size", "2", data=data, check=True)
    assert done.stdout.splitlines()[-1].startswith("créés/created=3 ")
    again = socle("import", str(EXAMPLE), "--publisher", "montfort", data=data, check=True)
    assert "inchangés/unchanged=3" in again.stdout


def test_csv_errors_are_bilingual_without_traceback(data: Path, tmp_path: Path):  # noqa: F811
    done = socle("import", str(EXAMPLE), "--publisher", "nobody", data=data)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "Erreur" in done.stderr and "Error" in done.stderr and "nobody" in done.stderr
    other = tmp_path / "autre.csv"
    other.write_text("nom;prenom\nDupont;Jean\n", encoding="utf-8")
    done = socle("import", str(other), "--publisher", "montfort", data=data)
    assert done.returncode != 0 and "colonnes SCDL manquantes" in done.stderr
    assert "missing SCDL columns" in done.stderr
    assert record_ids(data) == set()


def test_csv_by_url_needs_allow_private_for_127_0_0_1(data: Path, site):  # noqa: F811
    url = site.add("/exports/catalogue.csv", EXAMPLE.read_bytes(),
                   "text/csv; charset=utf-8")
    refused = socle("import", url, "--publisher", "montfort", data=data)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert record_ids(data) == set()
    done = socle("import", url, "--publisher", "montfort", "--allow-private", data=data,
                 check=True)
    assert done.stdout.splitlines()[-1].startswith("créés/created=3 ")
