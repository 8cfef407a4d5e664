"""Reports stay under a documented size whatever the input (docs/api.md, "Limits"): counts
exact, lists cut (first items per outcome, first errors per kind), and CSV files read honestly
(a broken UTF-8 byte is refused with its line, NUL characters removed with a notice)."""

from __future__ import annotations

import json

from service.ingest.bounds import MAX_DETAILS, MAX_ITEMS, MAX_PER_KIND
from service.ingest.harvest.report import MAX_LISTED, Item, RunReport
from service.ingest.scdl.decode import MAX_ROWS
from tests.ingest.scdl_csv import EXAMPLE, example_rows, write_csv

URL = "/publishers/montfort/import"
CSV = {"Content-Type": "text/csv; charset=utf-8"}
REPORT_BYTES = 5 * 1024 * 1024  # the documented bound of an import report (docs/api.md)


def _empty_rows(n: int) -> bytes:
    header, _rows = example_rows()
    return (",".join(header) + "\r\n").encode() + ("," * (len(header) - 1) + "\r\n").encode() * n


def test_100000_empty_rows_are_refused_at_once(client, auth, snapshot):
    before = snapshot()
    r = client.post(URL, data=_empty_rows(100_000), headers={**CSV, **auth})
    assert r.status_code == 413 and r.mimetype == "application/problem+json"
    assert r.get_json()["limit"] == MAX_ROWS and len(r.data) < 4096
    assert snapshot() == before


def test_a_file_of_bad_rows_gives_a_bounded_report(client, auth, snapshot):
    before = snapshot()
    rows = 3 * MAX_ITEMS // 2
    r = client.post(URL, data=_empty_rows(rows), headers={**CSV, **auth})
    assert r.status_code == 422, r.get_data(as_text=True)[:500]  # every row failed
    report = r.get_json()
    assert len(r.data) < REPORT_BYTES
    assert report["summary"]["failed"] == report["rows"] == rows  # counts stay exact
    assert len(report["items"]) == MAX_ITEMS and report["unlisted"] == {"failed": rows - MAX_ITEMS}
    kinds = report["row_error_counts"]
    assert all(n == rows for n in kinds.values()), kinds  # each required column, every row
    assert report["row_errors_total"] == sum(kinds.values())
    assert len(report["row_errors"]) == MAX_PER_KIND * len(kinds)
    first = report["items"][0]["error"]
    assert len(first["errors"]) <= MAX_DETAILS and first["errors_total"] >= len(first["errors"])
    assert snapshot() == before


def test_utf8_with_one_invalid_byte_is_refused_with_its_line(client, auth, snapshot):
    before = snapshot()
    data = EXAMPLE.read_bytes()
    lines = data.split(b"\n")
    lines[2] = lines[2].replace(b",", b",\xe9", 1)  # one Latin-1 é in a UTF-8 file
    r = client.post(URL, data=b"\n".join(lines), headers={**CSV, **auth})
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    problem = r.get_json()
    assert problem["line"] == 3 and "UTF-8" in problem["detail_en"]
    assert snapshot() == before


def test_windows_1252_files_are_still_read(client, auth):
    header, rows = example_rows()
    r = client.post(URL, data=write_csv(header, rows, sep=";", encoding="cp1252"),
                    headers={**CSV, **auth})
    assert r.status_code == 200 and r.get_json()["summary"]["created"] == 3


def test_nul_characters_are_removed_and_reported(client, auth, svc):
    header, rows = example_rows()
    rows[0]["TITRE"] = "Budget\x00 primitif"
    r = client.post(URL, data=write_csv(header, rows), headers={**CSV, **auth})
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    report = r.get_json()
    assert report["notices"][0]["lines"] == [2] and "NUL" in report["notices"][0]["message_en"]
    dump = client.get("/catalog.nt").get_data()
    assert b"\x00" not in dump and b"\\u0000" not in dump
    assert "Budget primitif" in dump.decode()


def test_harvest_reports_list_at_most_max_listed_items_per_outcome():
    report = RunReport("s", "https://example.org/c.ttl", "p")
    for n in range(MAX_LISTED + 50):
        report.add(Item(f"k{n}", "failed", None, "x", "x"))
    assert report.counts["failed"] == MAX_LISTED + 50 and len(report.items) == MAX_LISTED
    assert report.unlisted == 50
    assert len(json.dumps(report.to_dict())) < REPORT_BYTES
