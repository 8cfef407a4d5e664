"""`socle import catalogue.csv --publisher ID`: the SCDL branch of the import command.

cli.py only dispatches here on the `.csv` suffix; reading, importing and the per-row report
(French first, then English) live in this module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from service.catalog.records import BATCH_SIZE
from service.errors import SocleError
from service.ingest.scdl.importer import import_csv

OUTCOMES = {"created": "créé", "updated": "mis à jour", "unchanged": "inchangé",
            "failed": "ÉCHEC"}


def is_csv(source: str) -> bool:
    """The import command treats `*.csv` (file or URL path) as an SCDL catalogue."""
    return source.split("?", 1)[0].lower().endswith(".csv")


def read_source(source: str, allow_private: bool) -> bytes:
    if source.startswith(("http://", "https://")):
        from service.ingest.fetch import fetch

        return fetch(source, allow_private=allow_private)[0]
    path = Path(source)
    if not path.is_file():
        raise SocleError(f"Fichier introuvable : {source}", f"File not found: {source}")
    return path.read_bytes()


def report_lines(report: dict[str, Any]) -> list[str]:
    """One line per row (outcome), then one French and one English line per error."""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for err in report.get("row_errors", []):
        by_line.setdefault(err["line"], []).append(err)
    lines: list[str] = []
    for notice in report.get("notices", []):
        lines.append(f"Attention : {notice['message_fr']}")
        lines.append(f"Warning: {notice['message_en']}")
    for item in report["items"]:
        head = f"{item['source']} : {OUTCOMES[item['outcome']]} / {item['outcome']}"
        if item.get("record_id"):
            head += f" ({item['record_id']})"
        if item.get("warnings"):
            head += f", {item['warnings']} avertissement(s) / warning(s)"
        lines.append(head)
        error = item.get("error") or {}
        line = error.get("line")
        for err in error.get("errors") or (by_line.get(line, []) if line else []):
            fr = f"colonne {err['column']} : " if err["column"] else ""
            en = f"column {err['column']}: " if err["column"] else ""
            lines.append(f"    - {fr}{err['message_fr']}")
            lines.append(f"      {en}{err['message_en']}")
    for outcome, count in (report.get("unlisted") or {}).items():
        lines.append(f"(+ {count} {OUTCOMES[outcome]} non listés / {outcome} not listed)")
    return lines


def run_import(services: Any, publisher_id: str, source: str, allow_private: bool,
               as_json: bool, batch_size: int = BATCH_SIZE, workers: int = 1) -> int:
    """Import, print the report (rows on stderr; the summary line on stdout, or with
    ``as_json`` the JSON alone on stdout and the summary on stderr); the exit code: 1 when any
    row failed."""
    report = import_csv(services.records, publisher_id, read_source(source, allow_private),
                        batch_size=batch_size, workers=workers)
    for line in report_lines(report):
        click.echo(line, err=True)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    click.echo("créés/created={created} mis à jour/updated={updated} "
               "inchangés/unchanged={unchanged} échecs/failed={failed}"
               .format(**report["summary"]), err=as_json)  # stdout stays one JSON document
    return 1 if report["summary"]["failed"] else 0
