"""A publisher's records as an SCDL catalogue CSV (schema scdl/catalogue 0.1.3).

Dialect: UTF-8 without BOM, `,` between cells, CRLF line ends (RFC 4180), header in the
schema's column order. Why `,`: the schema itself uses `;` *inside* cells (MOTS_CLES,
FORMAT_RESSOURCES) and gives its examples that way, so a `,`-separated file needs no quoting for
them; it is also the Table Schema (frictionless) default dialect that schema.data.gouv.fr
validates against. Why no BOM: the schema's files are plain UTF-8; our importer accepts either.

Every record is exported, not only those that came from a CSV: the cells come from the DCAT-AP
properties (mapping.record_to_row), so a cell stays empty where the record has nothing to say.
Rows are sorted by ID so that the same records always give the same bytes. Cells that a
spreadsheet would run as a formula are written behind a `'` (see ``guard``).
"""

from __future__ import annotations

import csv
import io

from service.catalog import bookkeeping
from service.catalog.publishers import get_publisher
from service.catalog.records import RecordService
from service.ingest.scdl.mapping import COLUMN_ORDER, record_to_row

PAGE = 1000
# A cell starting with one of these is a formula to a spreadsheet (CSV injection): the export
# writes it behind a `'`, which spreadsheets show as text, and the import takes that `'` off
# again (``unguard``), so the round trip is unchanged.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def export_rows(records: RecordService, publisher_id: str) -> list[dict[str, str]]:
    """One SCDL row per record of the publisher, sorted by ID then record IRI."""
    get_publisher(records.store, records.base_url, publisher_id)  # NotFound when unknown
    rows: list[tuple[str, str, dict[str, str]]] = []
    offset = 0
    while True:
        page = bookkeeping.list_records(records.store, publisher=publisher_id, limit=PAGE,
                                        offset=offset)
        for meta in page:
            row = record_to_row(records.graph(meta), meta.iri)
            rows.append((row["ID"], meta.iri, row))
        if len(page) < PAGE:
            break
        offset += PAGE
    return [row for _id, _iri, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def export_csv(records: RecordService, publisher_id: str, excel: bool = False) -> bytes:
    """The publisher's catalogue as SCDL CSV bytes (see the module docstring for the dialect).

    ``excel``: a byte order mark and `;` separators, which French Excel needs to open UTF-8
    text in columns (without them it reads Windows-1252 split on `,`); the import reads both."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMN_ORDER), lineterminator="\r\n",
                            delimiter=";" if excel else ",")
    writer.writeheader()
    writer.writerows({k: guard(v) for k, v in row.items()}
                     for row in export_rows(records, publisher_id))
    return ("\ufeff" if excel else "").encode("utf-8") + out.getvalue().encode("utf-8")
