"""Build SCDL catalogue CSV files for tests from the shared constructed example."""

from __future__ import annotations

import csv
import io
from pathlib import Path

FIX = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "scdl-catalogue"
EXAMPLE = FIX / "exemple-construit-scdl-catalogue.csv"


def example_rows() -> tuple[list[str], list[dict[str, str]]]:
    with open(EXAMPLE, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_csv(header: list[str], rows: list[dict[str, str]], sep: str = ",",
              encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    w.writerow(header)
    for row in rows:
        w.writerow([row.get(c, "") for c in header])
    return out.getvalue().encode(encoding)
