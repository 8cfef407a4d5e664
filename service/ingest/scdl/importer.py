"""Import an SCDL catalogue CSV: check every row, map the good ones, write each atomically.

Same report as the RDF import (``ImportReport.to_dict()``: summary + one item per row) plus
``row_errors`` (line, column, French and English message) for the curator. A row that fails the
Table Schema, repeats an ID, or maps to a dataset the shapes refuse is reported and not
written; the other rows are. Each record is written whole or not at all (one transaction per
batch of records, service/catalog/writer.py), so nothing is ever half-written.
"""

from __future__ import annotations

import csv
from typing import Any

from service.catalog.publishers import get_publisher
from service.catalog.records import BATCH_SIZE, RecordService
from service.errors import SocleError
from service.ingest import observers
from service.ingest.bounds import MAX_DETAILS, MAX_LINES, ErrorsByKind, cap_details
from service.ingest.rdf_import import ImportReport, ItemReport
from service.ingest.scdl.decode import read_rows
from service.ingest.scdl.export import unguard
from service.ingest.scdl.mapping import COLUMN_ORDER, row_to_record
from service.ingest.scdl.tables import DEFAULT_VERSION, schema_path, versions
from service.ingest.scdl.tableschema import CellError, check_row, load_schema
from service.ingest.scdl.writers import MappingError
from service.rdf.records import Extracted


class UnreadableCsv(SocleError):
    """The file is not an SCDL catalogue CSV at all (nothing to report row by row)."""

    status = 422
    title = "Unreadable SCDL catalogue"


def read_catalogue(data: bytes
                   ) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[int]]:
    """Header, rows and lines whose NUL characters were removed; UnreadableCsv when it is
    empty, not CSV, or lacks SCDL columns; 413 past decode.MAX_ROWS rows."""
    if not data.strip():
        raise UnreadableCsv("Le fichier est vide.", "The file is empty.", line=1)
    try:
        header, rows, nul_lines = read_rows(data)
    except (csv.Error, UnicodeDecodeError) as err:  # BadCsv / TooManyRows pass through
        raise UnreadableCsv(f"Fichier CSV illisible : {err}.", f"Unreadable CSV file: {err}.",
                            line=1) from None
    missing = [c for c in COLUMN_ORDER if c not in header]
    if missing:
        raise UnreadableCsv(
            f"Ligne 1 (en-tête) : colonnes SCDL manquantes : {', '.join(missing)}. Attendu le "
            "schéma « Catalogue simplifié » (scdl/catalogue).",
            f"Line 1 (header): missing SCDL columns: {', '.join(missing)}. Expected the "
            "'Catalogue simplifié' schema (scdl/catalogue).",
            line=1, columns=missing)
    if not rows:
        raise UnreadableCsv("Le fichier n'a aucune ligne de données après l'en-tête.",
                            "The file has no data row after the header.", line=2)
    return header, rows, nul_lines


def _cell(err: CellError) -> dict[str, Any]:
    return {"line": err.line, "column": err.column,
            "message_fr": err.detail_fr, "message_en": err.detail_en}


def _failed(source: str, line: int, errors: list[dict[str, Any]]) -> ItemReport:
    """The row's item; its error keeps the first errors (bounds.MAX_DETAILS)."""
    first = errors[0]
    more = f" (+{len(errors) - 1})" if len(errors) > 1 else ""
    where = f"colonne {first['column']} : " if first["column"] else ""
    where_en = f"column {first['column']}: " if first["column"] else ""
    return ItemReport(source, "failed", error={
        "status": 422, "title": "Invalid row", "line": line,
        "detail": f"{where}{first['message_fr']}{more} — {where_en}{first['message_en']}{more}",
        "detail_fr": f"Ligne {line}, {where}{first['message_fr']}{more}",
        "detail_en": f"Line {line}, {where_en}{first['message_en']}{more}",
        "errors": errors[:MAX_DETAILS], "errors_total": len(errors)})


def _source(line: int, row: dict[str, str]) -> str:
    ident = (row.get("ID") or "").strip()
    return f"ligne {line} / line {line}" + (f" : {ident}" if ident else "")


def _validation_errors(line: int, problem: dict[str, Any]) -> list[dict[str, Any]]:
    """A refused record as row errors: one per SHACL result (or the refusal itself)."""
    results = [r for r in problem.get("results", []) if "Violation" in str(r.get("severity"))]
    if not results:
        return [{"line": line, "column": "", "message_fr": problem.get("detail_fr", ""),
                 "message_en": problem.get("detail_en", "")}]
    return [{"line": line, "column": "", "path": r.get("path"),
             "message_fr": r["message"]["fr"], "message_en": r["message"]["en"]}
            for r in results]


def _keep(row_errors: ErrorsByKind, errors: list[dict[str, Any]]) -> None:
    for err in errors:
        row_errors.add(err.get("column") or "record", err)


def _nul_notice(lines: list[int]) -> list[dict[str, Any]]:
    if not lines:
        return []
    return [{"lines": lines[:MAX_LINES], "lines_total": len(lines), "column": "",
             "message_fr": "Caractères NUL (octet 0) retirés des cellules de ces lignes.",
             "message_en": "NUL characters (byte 0) removed from the cells of these lines."}]


def notices(publisher_siren: str | None, rows: list[tuple[int, dict[str, str]]]
            ) -> list[dict[str, Any]]:
    """Non-blocking remarks on the file as a whole: a COLL_SIRET whose SIREN (its first nine
    digits) is not the importing publisher's — often someone else's catalogue imported by
    mistake. The rows are still imported for the token's publisher (docs/scdl.md)."""
    if not publisher_siren:
        return []
    foreign: dict[str, list[int]] = {}
    for line, row in rows:
        siret = (row.get("COLL_SIRET") or "").strip()
        if len(siret) == 14 and siret.isdigit() and siret[:9] != publisher_siren:
            foreign.setdefault(siret, []).append(line)
    return [{"lines": lines[:MAX_LINES], "lines_total": len(lines), "column": "COLL_SIRET",
             "message_fr": f"COLL_SIRET {siret} (SIREN {siret[:9]}) n'est pas celui de "
                           f"l'éditeur (SIREN {publisher_siren}) : ces lignes sont importées "
                           "pour votre éditeur ; vérifiez qu'il s'agit bien de votre catalogue.",
             "message_en": f"COLL_SIRET {siret} (SIREN {siret[:9]}) is not the publisher's "
                           f"(SIREN {publisher_siren}): these rows are imported for your "
                           "publisher; check that this is your catalogue."}
            for siret, lines in sorted(foreign.items())]


def import_csv(records: RecordService, publisher_id: str, data: bytes,
               version: str = DEFAULT_VERSION, batch_size: int = BATCH_SIZE,
               workers: int = 1) -> dict[str, Any]:
    """Import one SCDL catalogue file for a publisher (docs/scdl.md); the report as a dict.

    Raises SocleError (NotFound for an unknown publisher, UnreadableCsv for a file that is not
    an SCDL catalogue) before anything is written. ``batch_size`` and ``workers`` tune the
    bulk write as for the RDF import (records per transaction, validating processes).
    """
    if version not in versions():
        raise SocleError(f"Version de schéma inconnue « {version} » ({', '.join(versions())}).",
                         f"Unknown schema version '{version}' ({', '.join(versions())}).",
                         parameter="version")
    publisher = get_publisher(records.store, records.base_url, publisher_id)
    _header, rows, nul_lines = read_catalogue(data)
    schema = load_schema(schema_path(version))
    row_errors = ErrorsByKind()
    items: dict[int, ItemReport] = {}
    good: list[tuple[int, dict[str, str], Extracted]] = []
    first_line: dict[str, int] = {}
    for line, raw in rows:
        row = {k: unguard(v) for k, v in raw.items()}
        errors = [_cell(e) for e in check_row(schema, row, line)]
        ident = (row.get("ID") or "").strip()
        if ident and ident in first_line:
            errors.append({"line": line, "column": "ID",
                           "message_fr": f"identifiant « {ident} » déjà utilisé ligne "
                                         f"{first_line[ident]}",
                           "message_en": f"identifier '{ident}' already used on line "
                                         f"{first_line[ident]}"})
        first_line.setdefault(ident, line)
        if not errors:
            try:
                good.append((line, row, row_to_record(row, publisher.iri)))
            except MappingError as err:
                errors.append({"line": line, "column": err.column,
                               "message_fr": err.detail_fr, "message_en": err.detail_en})
        if errors:
            _keep(row_errors, errors)
            items[line] = _failed(_source(line, row), line, errors)
    results = records.upsert_many(publisher_id, (extracted for _l, _r, extracted in good),
                                  batch_size, workers)
    for (line, row, _extracted), result in zip(good, results, strict=True):
        if isinstance(result, SocleError):
            problem = result.to_problem()
            _keep(row_errors, _validation_errors(line, problem))
            item = ItemReport(_source(line, row), "failed",
                              error=cap_details({**problem, "line": line}))
        else:
            item = ItemReport(_source(line, row), result.outcome, result.meta.id,
                              int(result.report.get("warnings", 0)))
        items[line] = item
    report = ImportReport([items[line] for line in sorted(items)])
    observers.imported("csv", publisher_id, report)
    return {**report.to_dict(), "row_errors": row_errors.kept,
            "row_errors_total": row_errors.total, "row_error_counts": row_errors.counts,
            "notices": _nul_notice(nul_lines) + notices(publisher.siren, rows),
            "schema": f"scdl/catalogue {version}", "rows": len(rows)}
