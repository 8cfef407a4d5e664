"""The SCDL ↔ DCAT-AP value tables (vocab/scdl-catalogue-mapping.tsv), loaded once.

Why a data file: the correspondences (French frequencies, licence names, free-text themes,
format aliases) are editorial choices an operator may want to read or extend without
touching code; docs/scdl.md prints the same table.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

VOCAB = Path(__file__).resolve().parents[3] / "vocab"
MAPPING_FILE = VOCAB / "scdl-catalogue-mapping.tsv"
SCHEMA_FILE = VOCAB / "scdl-catalogue-0.1.3.schema.json"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive key (`Énergie` = `energie`)."""
    text = unicodedata.normalize("NFKD", text.strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text)


@dataclass
class Tables:
    """Per SCDL column: value → target (import) and target → value (export)."""

    to_target: dict[str, dict[str, str]] = field(default_factory=dict)
    to_value: dict[str, dict[str, str]] = field(default_factory=dict)

    def target(self, column: str, value: str) -> str | None:
        return self.to_target.get(column, {}).get(fold(value))

    def value(self, column: str, target: str) -> str | None:
        return self.to_value.get(column, {}).get(target)


@lru_cache(maxsize=1)
def tables() -> Tables:
    out = Tables()
    for line in MAPPING_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("column\t"):
            continue
        column, value, target, way = line.split("\t")
        if way in ("both", "import"):
            out.to_target.setdefault(column, {})[fold(value)] = target
        if way in ("both", "export"):
            out.to_value.setdefault(column, {})[target] = value
    # Every file type of vocab/file-types.ttl under its own code (`csv`, `geojson`…).
    codes = re.findall(r'skos:notation "([A-Z0-9_]+)"', (VOCAB / "file-types.ttl").read_text())
    formats = out.to_target.setdefault("FORMAT_RESSOURCES", {})
    for code in codes:
        formats.setdefault(fold(code), code)
    return out
