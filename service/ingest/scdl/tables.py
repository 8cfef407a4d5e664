"""The SCDL ↔ DCAT-AP value tables (vocab/scdl-*.tsv), read once.

Why data files: curators and operators extend the theme and format lists without touching
code, and docs/scdl.md points at the same files. Each TSV row is `value<TAB>IRI<TAB>direction`
where direction is `both`, `import` (text → IRI only) or `export` (IRI → text only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from service.resources import VOCAB_DIR
from service.territories.registry import normalise

VOCAB = VOCAB_DIR
SCHEMAS = VOCAB / "scdl"
DEFAULT_VERSION = "0.1.3"


@dataclass(frozen=True)
class Table:
    """Import: normalised text → IRI; export: IRI → text (the first `both`/`export` row)."""

    to_iri: dict[str, str] = field(default_factory=dict)
    to_text: dict[str, str] = field(default_factory=dict)

    def iri(self, text: str) -> str | None:
        return self.to_iri.get(normalise(text))

    def text(self, iri: str) -> str | None:
        return self.to_text.get(iri)


@lru_cache(maxsize=8)
def table(name: str) -> Table:
    """`table("frequencies")` reads vocab/scdl-frequencies.tsv."""
    out = Table()
    for line in (VOCAB / f"scdl-{name}.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, iri, direction = line.split("\t")
        if direction in ("both", "import"):
            out.to_iri.setdefault(normalise(text), iri)
        if direction in ("both", "export"):
            out.to_text.setdefault(iri, text)
    return out


def schema_path(version: str = DEFAULT_VERSION) -> Path:
    """The shipped Table Schema of one SCDL catalogue version (0.1.1, 0.1.2, 0.1.3)."""
    return SCHEMAS / f"scdl-catalogue-{version}.schema.json"


def versions() -> list[str]:
    return sorted(p.name.split("-")[2].removesuffix(".schema.json")
                  for p in SCHEMAS.glob("scdl-catalogue-*.schema.json"))
