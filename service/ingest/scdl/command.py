"""`socle import catalogue.csv`: the SCDL import as the CLI shows it (service/cli.py wires it)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from service.errors import SocleError
from service.ingest.scdl.importer import import_csv


def is_csv(source: str) -> bool:
    return source.split("?")[0].lower().endswith(".csv")


def read_source(source: str, allow_private: bool) -> bytes:
    from service.ingest.fetch import fetch

    if source.startswith(("http://", "https://")):
        return fetch(source, allow_private=allow_private)[0]
    path = Path(source)
    if not path.is_file():
        raise SocleError(f"Fichier introuvable : {source}", f"File not found: {source}")
    return path.read_bytes()


def report_lines(report: dict[str, Any]) -> list[str]:
    """What a curator reads: each refused row, by line and column, French then English."""
    lines = []
    for err in report["row_errors"]:
        where = f"ligne/line {err['line']}" + (f", {err['column']}" if err["column"] else "")
        lines.append(f"ERREUR / ERROR {where} : {err['message_fr']} / {err['message_en']}")
    return lines


def run(svc: Any, publisher_id: str, source: str, allow_private: bool, as_json: bool,
        batch_size: int) -> None:
    data = read_source(source, allow_private)
    with click.progressbar(length=max(1, data.count(b"\n") - 1), label="Import SCDL",
                           file=sys.stderr) as bar:
        report = import_csv(svc.records, publisher_id, data, lambda _item: bar.update(1),
                            batch_size=batch_size)
    for line in report_lines(report):
        click.echo(line, err=True)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    click.echo(f"lignes/rows={report['rows']} " + "créés/created={created} mis à jour/updated="
               "{updated} inchangés/unchanged={unchanged} échecs/failed={failed}".format(
                   **report["summary"]))
    if report["summary"]["failed"]:
        sys.exit(1)
