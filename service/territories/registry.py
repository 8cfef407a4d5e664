"""The registry of French local authorities shipped in vocab/territories.tsv.gz.

Read once per process (about 0.1 s for the 39,000 rows, see docs/benchmarks.md); the name
index is built on first use. Everything here is pure data: no store, no Flask.
"""

from __future__ import annotations

import gzip
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from service.resources import VOCAB_DIR

REGISTRY_FILE = VOCAB_DIR / "territories.tsv.gz"
INSEE_GEO = "http://id.insee.fr/geo/"

# kind → (INSEE geo class segment, French label, English label). Data, not if-chains.
KINDS: dict[str, tuple[str, str, str]] = {
    "REG": ("region", "région", "region"),
    "DEP": ("departement", "département", "département"),
    "EPCI": ("intercommunalite", "intercommunalité", "inter-municipality"),
    "COM": ("commune", "commune", "municipality"),
    "ARM": ("arrondissementMunicipal", "arrondissement municipal", "municipal district"),
    "COMD": ("communeDeleguee", "commune déléguée", "delegated municipality"),
    "COMA": ("communeAssociee", "commune associée", "associated municipality"),
}
SEGMENT_KIND = {segment: kind for kind, (segment, _, _) in KINDS.items()}
# EPCI types of the DGCL list (and EPT, établissement public territorial).
GROUP_TYPES: dict[str, tuple[str, str]] = {
    "CC": ("communauté de communes", "community of municipalities"),
    "CA": ("communauté d'agglomération", "agglomeration community"),
    "CU": ("communauté urbaine", "urban community"),
    "METRO": ("métropole", "metropolis"),
    "MET69": ("Métropole de Lyon", "Lyon Metropolis"),
    "EPT": ("établissement public territorial", "territorial public establishment"),
}
# Which kind wins when one INSEE code names several territories (a commune nouvelle keeps the
# code of one of its communes déléguées).
CODE_PREFERENCE = ("COM", "ARM", "COMD", "COMA")


class Territory(NamedTuple):
    """One row of the registry."""

    kind: str  # REG, DEP, EPCI, COM, ARM, COMD, COMA
    code: str  # INSEE code; the SIREN for an EPCI
    siren: str | None
    name: str
    subtype: str  # EPCI type (CC, CA, CU, METRO, MET69, EPT); zone (metro, drom, com) otherwise
    population: int | None  # population (municipale) of the commune file
    population_total: int | None  # population totale (legal population), when the source has it
    dep: str | None
    reg: str | None
    parent: str | None  # COMD/COMA: the commune nouvelle / chef-lieu; ARM: the commune
    groups: tuple[str, ...]  # SIRENs of the EPCI / EPT a commune belongs to

    @property
    def iri(self) -> str:
        return f"{INSEE_GEO}{KINDS[self.kind][0]}/{self.code}"

    @property
    def key(self) -> str:
        """The URL key of its page: SIREN when it has one, else `dep-35`, `reg-53`,
        `comd-01015`…"""
        if self.siren:
            return self.siren
        return f"{self.kind.lower()}-{self.code}"

    @property
    def legal_population(self) -> int | None:
        """The figure the law's threshold applies to: population totale, else municipale."""
        return self.population_total if self.population_total is not None else self.population

    @property
    def kind_label(self) -> tuple[str, str]:
        if self.kind == "EPCI" and self.subtype in GROUP_TYPES:
            return GROUP_TYPES[self.subtype]
        return KINDS[self.kind][1], KINDS[self.kind][2]

    @property
    def label(self) -> str:
        """Name with what tells homonyms apart: `Saint-Denis (93)`, `Rennes Métropole`."""
        if self.kind in ("COM", "ARM", "COMD", "COMA"):
            return f"{self.name} ({self.dep})"
        return self.name


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name (`St` = `Saint`)."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    text = _NON_WORD.sub(" ", text.encode("ascii", "ignore").decode("ascii").lower()).strip()
    return _SAINT.sub(lambda m: _SAINTS[m.group(1)], text) if "st" in text else text


_NON_WORD = re.compile(r"[^a-z0-9]+")
_SAINT = re.compile(r"\b(st|ste)\b")
_SAINTS = {"st": "saint", "ste": "sainte"}


class _Lazy(Mapping[Any, Territory]):
    """key → Territory, parsed from its line on first access (then kept)."""

    def __init__(self, index: dict[Any, int], at: Callable[[int], Territory]) -> None:
        self._index, self._at = index, at

    def __getitem__(self, key: Any) -> Territory:
        return self._at(self._index[key])

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[Any]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


class Registry:
    """Lookups by SIREN, INSEE code (per kind), IRI, name; members of a grouping/area.

    Opening reads the file and indexes each line by (kind, code) and SIREN; a row becomes a
    :class:`Territory` when first looked up, so that the first lookup of a process costs
    about a tenth of a second (docs/benchmarks.md)."""

    def __init__(self, path: Path = REGISTRY_FILE) -> None:
        self.path = path
        self.header: dict[str, str] = {}
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        lines = text.split("\n")
        body = 0
        while body < len(lines) and lines[body].startswith("#"):
            name, _, value = lines[body][1:].partition(":")
            self.header[name.strip()] = value.strip()
            body += 1
        self._lines = [line for line in lines[body:] if line]
        self._rows: list[Territory | None] = [None] * len(self._lines)
        by_kind_code: dict[tuple[str, str], int] = {}
        by_siren: dict[str, int] = {}
        for i, line in enumerate(self._lines):
            kind, code, siren, _ = line.split("\t", 3)
            by_kind_code[(kind, code)] = i
            if siren:
                by_siren[siren] = i
        self.by_kind_code: Mapping[tuple[str, str], Territory] = _Lazy(by_kind_code, self._at)
        self.by_siren: Mapping[str, Territory] = _Lazy(by_siren, self._at)

    def _at(self, i: int) -> Territory:
        row = self._rows[i]
        if row is None:
            f = self._lines[i].split("\t")
            row = self._rows[i] = Territory(
                f[0], f[1], f[2] or None, f[3], f[4], int(f[5]) if f[5] else None,
                int(f[6]) if f[6] else None, f[7] or None, f[8] or None, f[9] or None,
                tuple(f[10].split(",")) if f[10] else ())
        return row

    @cached_property
    def territories(self) -> list[Territory]:
        """Every row, in file order (kind, then code)."""
        return [self._at(i) for i in range(len(self._lines))]

    @property
    def version(self) -> str:
        return self.header.get("version", "?")

    @property
    def counts(self) -> dict[str, int]:
        """Counts per kind as written in the file header (what the build saw in the source)."""
        text = self.header.get("counts", "")
        return {k: int(v) for k, v in (p.split("=") for p in text.split())}

    def get(self, kind: str, code: str) -> Territory | None:
        return self.by_kind_code.get((kind, code))

    def commune(self, code: str) -> Territory | None:
        """The territory an INSEE commune code names, the current commune first."""
        for kind in CODE_PREFERENCE:
            found = self.by_kind_code.get((kind, code))
            if found is not None:
                return found
        return None

    def by_iri(self, iri: str) -> Territory | None:
        if not iri.startswith(INSEE_GEO):
            return None
        segment, _, code = iri[len(INSEE_GEO):].partition("/")
        kind = SEGMENT_KIND.get(segment)
        return self.by_kind_code.get((kind, code)) if kind else None

    def by_key(self, key: str) -> Territory | None:
        """A page key (see Territory.key): SIREN, `dep-35`, `reg-53`, `comd-01015`."""
        if key.isdigit() and len(key) == 9:
            return self.by_siren.get(key)
        kind, _, code = key.partition("-")
        return self.by_kind_code.get((kind.upper(), code))

    @cached_property
    def _members(self) -> dict[str, list[Territory]]:
        """Area key → its current communes (COM), for EPCI, DEP and REG."""
        out: dict[str, list[Territory]] = {}
        for t in self.territories:
            if t.kind != "COM":
                continue
            for siren in t.groups:
                out.setdefault(siren, []).append(t)
            out.setdefault(f"dep-{t.dep}", []).append(t)
            out.setdefault(f"reg-{t.reg}", []).append(t)
        return out

    def communes_of(self, area: Territory) -> list[Territory]:
        """The current communes of an EPCI, département or région (itself for a commune)."""
        if area.kind == "COM":
            return [area]
        return list(self._members.get(area.key, []))

    def broader(self, t: Territory) -> list[Territory]:
        """What contains it: parent commune, EPCI/EPT, département, région."""
        out: list[Territory | None] = []
        if t.parent and t.kind in ("COMD", "COMA", "ARM"):
            parent = self.get("COM", t.parent)
            if parent is not None:
                out.append(parent)
        out.extend(g for g in (self.by_siren.get(s) for s in t.groups) if g is not None)
        if t.kind not in ("DEP", "REG", "EPCI"):
            out.append(self.get("DEP", t.dep or ""))
        if t.kind not in ("REG", "EPCI"):
            out.append(self.get("REG", t.reg or ""))
        return [x for x in out if x is not None]

    @cached_property
    def _names(self) -> dict[str, list[Territory]]:
        index: dict[str, list[Territory]] = {}
        for t in self.territories:
            index.setdefault(normalise(t.name), []).append(t)
        return index

    def by_name(self, name: str) -> list[Territory]:
        return list(self._names.get(normalise(name), []))


_registry: Registry | None = None
_lock = threading.Lock()


def registry() -> Registry:
    """The shipped registry, read once per process."""
    global _registry
    if _registry is None:
        with _lock:
            if _registry is None:
                _registry = Registry()
    return _registry
