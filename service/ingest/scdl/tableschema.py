"""Frictionless Table Schema reader and row checker for the SCDL catalogue schemas.

Why our own: the SCDL schemas only use a small subset (string/date/integer types,
required, enum, pattern, minimum, uri format), and errors must be reported per line
and column in French then English for curators.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class CellError:
    """One failing cell: CSV line number (1 = header), column name, bilingual message."""

    line: int
    column: str
    detail_fr: str
    detail_en: str


def load_schema(path: Path) -> dict[str, Any]:
    """Read a JSON Table Schema file."""
    return json.loads(path.read_text(encoding="utf-8"))


def _is_date(v: str) -> bool:
    try:
        date.fromisoformat(v)
        return len(v) == 10
    except ValueError:
        return False


def _is_int(v: str) -> bool:
    return re.fullmatch(r"[+-]?\d+", v) is not None


_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")

# type name -> (check, French label, English label)
TYPE_CHECKS: dict[str, tuple[Callable[[str], bool], str, str]] = {
    "date": (_is_date, "une date AAAA-MM-JJ", "a YYYY-MM-DD date"),
    "integer": (_is_int, "un entier", "an integer"),
    "number": (lambda v: re.fullmatch(r"[+-]?\d+(\.\d+)?", v) is not None,
               "un nombre", "a number"),
}


def check_cell(field: dict[str, Any], value: str, line: int) -> list[CellError]:
    """Check one cell against its field definition; empty list when valid."""
    name = field["name"]
    cons = field.get("constraints", {})
    v = value.strip()
    if not v:
        if cons.get("required"):
            return [CellError(line, name, "valeur obligatoire manquante",
                              "required value missing")]
        return []
    typ = TYPE_CHECKS.get(field.get("type", "string"))
    if typ and not typ[0](v):
        return [CellError(line, name, f"« {v} » n'est pas {typ[1]}",
                          f"'{v}' is not {typ[2]}")]
    errors: list[CellError] = []
    if field.get("format") == "uri" and not _URI.match(v):
        errors.append(CellError(line, name, f"« {v} » n'est pas une URL",
                                f"'{v}' is not a URL"))
    if "enum" in cons and v not in cons["enum"]:
        allowed = ", ".join(cons["enum"])
        errors.append(CellError(line, name, f"« {v} » n'est pas une valeur permise ({allowed})",
                                f"'{v}' is not an allowed value ({allowed})"))
    if "pattern" in cons and not re.fullmatch(cons["pattern"].strip("^$"), v):
        errors.append(CellError(line, name, f"« {v} » ne suit pas le motif {cons['pattern']}",
                                f"'{v}' does not match pattern {cons['pattern']}"))
    if "minimum" in cons and _is_int(v) and int(v) < cons["minimum"]:
        errors.append(CellError(line, name, f"{v} est inférieur au minimum {cons['minimum']}",
                                f"{v} is below the minimum {cons['minimum']}"))
    return errors


def _siret_ok(v: str) -> bool:
    """Luhn check digit of a SIRET; La Poste's establishments (SIREN 356000000) may instead
    have a digit sum that is a multiple of 5 (INSEE exception)."""
    total = 0
    for i, c in enumerate(reversed(v)):
        d = int(c) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    if total % 10 == 0:
        return True
    return v.startswith("356000000") and sum(int(c) for c in v) % 5 == 0


def _check_siret(value: str, column: str, line: int) -> list[CellError]:
    v = value.strip()
    if not re.fullmatch(r"\d{14}", v) or _siret_ok(v):  # other shapes: the pattern reports
        return []
    return [CellError(line, column, f"« {v} » n'est pas un SIRET valide (clé de contrôle "
                                    "fausse : vérifiez les chiffres)",
                      f"'{v}' is not a valid SIRET (wrong check digit: check the digits)")]


# The schema's "custom_checks" (Validata names) → check(value, column, line).
CUSTOM_CHECKS: dict[str, Callable[[str, str, int], list[CellError]]] = {
    "french-siret-value": _check_siret,
}


def check_row(schema: dict[str, Any], row: dict[str, str], line: int) -> list[CellError]:
    """Check every schema field of a row (missing columns count as empty), then the schema's
    custom checks we know (unknown ones are skipped)."""
    errors: list[CellError] = []
    for field in schema["fields"]:
        errors.extend(check_cell(field, row.get(field["name"]) or "", line))
    for custom in schema.get("custom_checks", []):
        check = CUSTOM_CHECKS.get(custom.get("name", ""))
        column = custom.get("params", {}).get("column")
        if check and column:
            errors.extend(check(row.get(column) or "", column, line))
    return errors
