"""`socle` end to end over a real data directory (in process, tests/cli/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.auth.jsonfile import DataFiles
from service.auth.tokens import publisher_for_token
from service.store import open_store
from tests.cli.conftest import catalogue, socle
from tests.conftest import VALID_TTL


def assert_bilingual_failure(done, *words: str) -> None:
    assert done.returncode != 0, done
    assert "Traceback" not in done.stderr + done.stdout
    assert "Erreur" in done.stderr and "Error" in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def test_publisher_add_and_list(data: Path):
    listed = socle("publisher", "list", data=data, check=True)
    assert listed.stdout.splitlines() == [
        "montfort\tCommune de Montfort-sur-Meu\t213501882\tdcat-ap-3"]


def test_publisher_add_twice_and_bad_id(data: Path):
    assert_bilingual_failure(socle("publisher", "add", "montfort", "--name", "X", data=data),
                             "montfort")
    assert_bilingual_failure(socle("publisher", "add", "Pas Bon", "--name", "X", data=data),
                             "Pas Bon")


def test_token_create_prints_token_alone_on_last_line(data: Path):
    done = socle("token", "create", "--publisher", "montfort", data=data, check=True)
    token = done.stdout.rstrip("\n").splitlines()[-1]
    assert token.startswith("socle_") and " " not in token
    store = open_store(str(data))
    try:
        assert publisher_for_token(DataFiles(store), token) == "montfort"
    finally:
        store.close()


def test_token_for_unknown_publisher(data: Path):
    assert_bilingual_failure(socle("token", "create", "--publisher", "nobody", data=data),
                             "nobody")


@pytest.mark.parametrize("workers", ["0", "2"])
def test_import_reports_each_record_and_keeps_good_ones(data: Path, tmp_path: Path,
                                                        workers: str):
    """--workers 2: the records are cut, prepared and validated in two worker processes
    (scratch store on disk), and the report is the same."""
    source = tmp_path / "catalogue.ttl"
    source.write_text(catalogue(4, untitled=(2,)), encoding="utf-8")
    done = socle("import", str(source), "--publisher", "montfort", "--json", "--workers",
                 workers, data=data)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "ÉCHEC / FAILED identifier=jeu-0002" in done.stderr
    assert "dct:title" in done.stderr
    # With --json, stdout is one JSON document; the summary line goes to stderr.
    assert done.stderr.splitlines()[-1] == (
        "créés/created=3 mis à jour/updated=0 inchangés/unchanged=0 échecs/failed=1")
    report = __import__("json").loads(done.stdout)
    outcomes = {i["source"]: i["outcome"] for i in report["items"]}
    assert outcomes == {"identifier=jeu-0000": "created", "identifier=jeu-0001": "created",
                        "identifier=jeu-0002": "failed", "identifier=jeu-0003": "created"}
    failed = next(i for i in report["items"] if i["outcome"] == "failed")
    assert failed["error"]["status"] == 422 and failed["error"]["results"]

    again = socle("import", str(source), "--publisher", "montfort", "--workers", workers,
                  data=data)
    assert again.returncode == 1
    assert again.stdout.splitlines()[-1] == (
        "créés/created=0 mis à jour/updated=0 inchangés/unchanged=3 échecs/failed=1")
    kept = record_ids(data)
    assert kept == {"jeu-0000", "jeu-0001", "jeu-0003"}


def test_import_all_good_exits_zero(data: Path, tmp_path: Path):
    source = tmp_path / "one.ttl"
    source.write_text(VALID_TTL, encoding="utf-8")
    done = socle("import", str(source), "--publisher", "montfort", data=data, check=True)
    assert done.stdout.splitlines()[-1].startswith("créés/created=1 ")


def test_import_errors_are_bilingual_without_traceback(data: Path, tmp_path: Path):
    source = tmp_path / "one.ttl"
    source.write_text(VALID_TTL, encoding="utf-8")
    assert_bilingual_failure(
        socle("import", str(source), "--publisher", "nobody", data=data), "nobody")
    assert_bilingual_failure(
        socle("import", str(tmp_path / "absent.ttl"), "--publisher", "montfort", data=data),
        "absent.ttl", "introuvable", "not found")
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix dct: <http://purl.org/dc/terms/> .\n[] dct:title oops .\n",
                      encoding="utf-8")
    assert_bilingual_failure(
        socle("import", str(broken), "--publisher", "montfort", data=data), "oops")
    unknown = tmp_path / "catalogue.docx"
    unknown.write_bytes(b"PK\x03\x04")
    assert_bilingual_failure(
        socle("import", str(unknown), "--publisher", "montfort", data=data), "catalogue.docx")
    assert record_ids(data) == set()


def test_validate_exit_codes(tmp_path: Path):
    good = tmp_path / "good.ttl"
    good.write_text(VALID_TTL, encoding="utf-8")
    done = socle("validate", str(good))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "erreurs/violations=0" in done.stdout

    bad = tmp_path / "bad.ttl"
    bad.write_text(catalogue(2, untitled=(1,)), encoding="utf-8")
    done = socle("validate", str(bad))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[Violation]" in done.stdout and "http://purl.org/dc/terms/title" in done.stdout
    assert "fr: " in done.stdout and "en: " in done.stdout
    assert "erreurs/violations=1" in done.stdout

    assert_bilingual_failure(socle("validate", str(tmp_path / "absent.ttl")), "absent.ttl")


def test_export_restore_roundtrip(data: Path, tmp_path: Path):
    source = tmp_path / "catalogue.ttl"
    source.write_text(catalogue(5), encoding="utf-8")
    socle("import", str(source), "--publisher", "montfort", data=data, check=True)
    socle("token", "create", "--publisher", "montfort", data=data, check=True)
    dump = socle("export", data=data, check=True).stdout
    assert dump.count("\n") > 100
    dump_file = tmp_path / "dump.nq"
    dump_file.write_text(dump, encoding="utf-8")

    fresh = tmp_path / "fresh"
    restored = socle("restore", str(dump_file), data=fresh, check=True)
    assert f"{dump.count(chr(10))} quads" in restored.stdout
    again = socle("export", data=fresh, check=True).stdout
    assert sorted(again.splitlines()) == sorted(dump.splitlines())
    assert record_ids(fresh) == {f"jeu-{i:04d}" for i in range(5)}


def test_restore_of_a_bad_dump_changes_nothing(data: Path, tmp_path: Path):
    source = tmp_path / "one.ttl"
    source.write_text(VALID_TTL, encoding="utf-8")
    socle("import", str(source), "--publisher", "montfort", data=data, check=True)
    before = socle("export", data=data, check=True).stdout
    bad = tmp_path / "bad.nq"
    bad.write_text(before.splitlines()[0] + "\nthis is not n-quads\n", encoding="utf-8")
    assert_bilingual_failure(socle("restore", str(bad), data=data), "bad.nq", "2")
    assert socle("export", data=data, check=True).stdout == before
    assert_bilingual_failure(socle("restore", str(tmp_path / "absent.nq"), data=data))


@pytest.mark.embedded_only("the RocksDB lock of a data directory")
def test_locked_data_dir(data: Path, tmp_path: Path):
    source = tmp_path / "one.ttl"
    source.write_text(VALID_TTL, encoding="utf-8")
    holder = open_store(str(data))  # this process holds the RocksDB lock
    try:
        for args in (("publisher", "add", "autre", "--name", "Autre"),
                     ("token", "create", "--publisher", "montfort"),
                     ("import", str(source), "--publisher", "montfort"),
                     ("export",)):
            done = socle(*args, data=data)
            assert done.returncode != 0, args
            assert "Traceback" not in done.stderr, (args, done.stderr)
            assert "déjà ouvert" in done.stderr and "already open" in done.stderr, done.stderr
    finally:
        holder.close()


@pytest.mark.parametrize("kind", ["file", "unwritable"])
def test_unusable_data_dir(tmp_path: Path, kind: str):
    if kind == "file":
        target = tmp_path / "plain-file"
        target.write_text("x")
    else:
        target = Path("/proc/socle-data")
    done = socle("publisher", "add", "montfort", "--name", "M", data=target)
    assert_bilingual_failure(done, str(target))


def record_ids(data: Path) -> set[str]:
    from service.catalog.bookkeeping import list_records

    store = open_store(str(data))
    try:
        return {m.id for m in list_records(store, limit=1000)}
    finally:
        store.close()


def test_auto_workers_only_for_large_documents(monkeypatch: pytest.MonkeyPatch):
    from service.cli.importing import auto_workers

    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert auto_workers(False) == 1
    assert auto_workers(True) == 4
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert auto_workers(True) == 1


def test_import_policy_quarantine_keeps_invalid_records_non_public(data: Path, tmp_path: Path):
    """`socle import --policy quarantine`: the record still violating is kept non-public with
    its report (not in the store), reported as such; exit 0 (nothing failed)."""
    source = tmp_path / "catalogue.ttl"
    source.write_text(catalogue(3, untitled=(1,)), encoding="utf-8")
    done = socle("import", str(source), "--publisher", "montfort", "--policy", "quarantine",
                 data=data)
    assert done.returncode == 0, done.stderr
    assert "QUARANTAINE / QUARANTINED identifier=jeu-0001" in done.stderr
    assert done.stdout.splitlines()[-1].endswith("en quarantaine/quarantined=1")
    from service.catalog import bookkeeping
    from service.catalog.private import private_area

    store = open_store(str(data))
    try:
        assert bookkeeping.count_records(store, "montfort") == 2
        with private_area(store) as area:
            assert area.count("montfort", "quarantine") == 1
    finally:
        store.close()
