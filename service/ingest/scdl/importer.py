"""Import an SCDL catalogue CSV: every row checked, good rows written, bad rows reported.

Why rows are checked before any write: a curator fixes a spreadsheet line by line, so the
report names the CSV line and column of every problem (schema first, then mapping, then
SHACL), and one bad line never stops the others. Each good row becomes one record, written
whole or not at all through the records service's bulk path.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from service.catalog.publishers import get_publisher
from service.catalog.records import RecordService
from service.errors import SocleError
from service.ingest.rdf_import import ImportReport, ItemReport
from service.ingest.scdl.decode import read_rows
from service.ingest.scdl.mapping import RowProblem, row_to_dataset
from service.ingest.scdl.tables import SCHEMA_FILE
from service.ingest.scdl.tableschema import CellError, check_row, load_schema
from service.rdf.records import Extracted

SCHEMA_NAME = "scdl/catalogue 0.1.3"


class CsvFileError(SocleError):
    """The file as a whole cannot be read as an SCDL catalogue (no row is imported)."""

    status = 422
    title = "Unreadable SCDL catalogue"
    type_slug = "unreadable-scdl-catalogue"


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message_fr: str
    message_en: str

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _schema() -> dict[str, Any]:
    return load_schema(SCHEMA_FILE)


def read_catalogue(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of the file, after the checks that concern the whole file."""
    if not data.strip():
        raise CsvFileError("Le fichier est vide.", "The file is empty.")
    try:
        header, rows = read_rows(data)
    except UnicodeDecodeError:
        raise CsvFileError("Le fichier n'est ni en UTF-8 ni en Windows-1252.",
                           "The file is neither UTF-8 nor Windows-1252.") from None
    except csv.Error as err:
        raise CsvFileError(f"Le fichier n'est pas un CSV lisible : {err}.",
                           f"The file is not readable CSV: {err}.") from None
    expected = [f["name"] for f in _schema()["fields"]]
    missing = [c for c in expected if c not in header]
    if missing:
        raise CsvFileError(
            f"Colonnes manquantes dans l'en-tête (ligne 1) : {', '.join(missing)}. Le "
            f"catalogue doit suivre le schéma SCDL {SCHEMA_NAME} ({len(expected)} colonnes).",
            f"Columns missing from the header (line 1): {', '.join(missing)}. The catalogue "
            f"must follow the SCDL schema {SCHEMA_NAME} ({len(expected)} columns).",
            missing=missing, expected=expected)
    # Excel leaves empty lines at the end: they are not rows.
    return [(line, row) for line, row in rows if any(v.strip() for v in row.values())]


def _publisher_siret_check(siren: str | None) -> Callable[[int, dict[str, str]], list[RowError]]:
    def check(line: int, row: dict[str, str]) -> list[RowError]:
        siret = row.get("COLL_SIRET", "").strip()
        if siren and len(siret) == 14 and not siret.startswith(siren):
            return [RowError(line, "COLL_SIRET",
                             f"le SIRET {siret} n'est pas un établissement de l'éditeur "
                             f"(SIREN {siren}) : importez ce catalogue sous l'éditeur concerné",
                             f"SIRET {siret} is not an establishment of the publisher (SIREN "
                             f"{siren}): import this catalogue under the publisher it "
                             "describes")]
        return []
    return check


def _cell(err: CellError) -> RowError:
    return RowError(err.line, err.column, err.detail_fr, err.detail_en)


def _problem(line: int, p: RowProblem) -> RowError:
    return RowError(line, p.column, p.message_fr, p.message_en)


def _failed_item(line: int, row: dict[str, str], errors: list[RowError]) -> ItemReport:
    fr = " ; ".join(f"{e.column} : {e.message_fr}" for e in errors)
    en = "; ".join(f"{e.column}: {e.message_en}" for e in errors)
    problem = SocleError(f"Ligne {line} : {fr}.", f"Line {line}: {en}.",
                         line=line, errors=[e.to_dict() for e in errors]).to_problem()
    return ItemReport(_source(line, row), "failed", error=problem)


def _source(line: int, row: dict[str, str]) -> str:
    ident = row.get("ID", "").strip()
    return f"ligne {line}" + (f" ({ident})" if ident else "")


def import_csv(records: RecordService, publisher_id: str, data: bytes,
               progress: Callable[[ItemReport], None] | None = None,
               batch_size: int = 256) -> dict[str, Any]:
    """Import an SCDL catalogue for a publisher; the report lists every row (by CSV line)."""
    publisher = get_publisher(records.store, records.base_url, publisher_id)
    rows = read_catalogue(data)
    schema = _schema()
    siret_check = _publisher_siret_check(publisher.siren)
    row_errors: list[RowError] = []
    items: dict[int, ItemReport] = {}
    good: list[tuple[int, dict[str, str], Extracted]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        errors = [_cell(e) for e in check_row(schema, row, line)] + siret_check(line, row)
        ident = row.get("ID", "").strip()
        if ident in seen:
            errors.append(RowError(line, "ID", f"identifiant déjà utilisé ligne {seen[ident]}",
                                   f"identifier already used on line {seen[ident]}"))
        elif ident:
            seen[ident] = line
        mapped = None
        if not errors:
            mapped = row_to_dataset(row)
            errors = [_problem(line, p) for p in mapped.problems
                      if p.column != "NOMBRE_RESSOURCES"]  # that one is a warning
        if errors:
            row_errors.extend(errors)
            items[line] = _failed_item(line, row, errors)
            if progress:
                progress(items[line])
            continue
        assert mapped is not None
        good.append((line, row, Extracted(mapped.root, mapped.graph)))

    def extracted() -> Iterator[Extracted]:
        for _line, _row, record in good:
            yield record

    results = records.upsert_many(publisher_id, extracted(), batch_size, 1)
    for (line, row, _record), result in zip(good, results, strict=True):
        if isinstance(result, SocleError):
            item = ItemReport(_source(line, row), "failed", error=result.to_problem())
            row_errors.extend(_shacl_errors(line, result))
        else:
            item = ItemReport(_source(line, row), result.outcome, result.meta.id,
                              int(result.report.get("warnings", 0)))
        items[line] = item
        if progress:
            progress(item)
    report = ImportReport([items[line] for line in sorted(items)])
    out = report.to_dict()
    out["schema"] = SCHEMA_NAME
    out["rows"] = len(rows)
    out["row_errors"] = [e.to_dict() for e in sorted(row_errors, key=lambda e: e.line)]
    return out


def _shacl_errors(line: int, err: SocleError) -> list[RowError]:
    """A record refused after mapping: its SHACL results, under the row's line."""
    results = err.extra.get("results") or []
    if not results:
        return [RowError(line, "", err.detail_fr, err.detail_en)]
    return [RowError(line, str(r.get("path") or ""), r["message"]["fr"], r["message"]["en"])
            for r in results if r.get("severity", "Violation") == "Violation"]
