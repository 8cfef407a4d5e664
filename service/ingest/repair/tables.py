"""The repair step's data: for each controlled property, what a value found in a real
catalogue means in the EU vocabularies (or Socle's licence table).

Built once per process from vocab/*.ttl (every notation, prefLabel and altLabel of the
concepts, and skos:exactMatch of equivalents such as Dublin Core cld/freq) plus
vocab/repair-aliases.tsv (variants seen in the wild). Values are matched on a key that ignores
case, accents, URL scheme, ``www.``, spaces and punctuation, so "Licence Ouverte v2.0",
"licence-ouverte-v2-0" and "LICENCE OUVERTE V2.0" are one entry.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from service.resources import VOCAB_DIR

EU = "http://publications.europa.eu/resource/authority/"
VOCAB = VOCAB_DIR
SKOS = "http://www.w3.org/2004/02/skos/core#"
_LABELS = {f"{SKOS}notation", f"{SKOS}prefLabel", f"{SKOS}altLabel"}
_IN_SCHEME, _EXACT = f"{SKOS}inScheme", f"{SKOS}exactMatch"

# kind → (vocabulary file, EU table name or None when targets are full IRIs)
KINDS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "file-type": (("file-types.ttl",), "file-type"),
    "frequency": (("frequencies.ttl", "dc-frequencies.ttl"), "frequency"),
    "theme": (("data-themes.ttl",), "data-theme"),
    "language": (("languages.ttl",), "language"),
    "licence": (("licences.ttl",), None),
    "access-right": (("access-rights.ttl",), "access-right"),
}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*://)?(www\.)?")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def key(text: str) -> str:
    """The matching key of a value: no accents, case, scheme, ``www.``, punctuation."""
    plain = unicodedata.normalize("NFKD", text.strip())
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return _NOT_ALNUM.sub("", _SCHEME.sub("", plain).rstrip("/"))


@dataclass(frozen=True)
class Table:
    """One controlled property's values: the IRIs that are fine as they are, the IRIs that
    have a canonical equivalent (cld/freq → EU), and key → IRI for everything else."""

    known: frozenset[str]
    canonical: dict[str, str]
    by_key: dict[str, str]
    eu_table: str | None

    def lookup(self, value: str, is_iri: bool) -> str | None:
        """The IRI a value means, or None (an IRI already fine also gives None)."""
        if is_iri:
            if value in self.canonical:
                return self.canonical[value]
            if value in self.known:
                return None
            if self.eu_table:  # near-IRI of the EU table (https, case, other path)
                marker = f"/authority/{self.eu_table}/"
                if marker in value.lower():
                    found = self.by_key.get(key(value.rsplit("/", 1)[-1]))
                    if found:
                        return found
        found = self.by_key.get(key(value))
        if found is None and is_iri and self.eu_table:
            found = self.by_key.get(key(value.rstrip("/").rsplit("/", 1)[-1]))
        return found


@lru_cache(maxsize=1)
def tables() -> dict[str, Table]:
    aliases: dict[str, list[tuple[str, str]]] = {}
    with (VOCAB / "repair-aliases.tsv").open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter="\t"):
            if row and not row[0].startswith("#"):
                aliases.setdefault(row[0], []).append((row[1], row[2]))
    return {kind: _table(files, eu_table, aliases.get(kind, []))
            for kind, (files, eu_table) in KINDS.items()}


def _table(files: tuple[str, ...], eu_table: str | None,
           aliases: list[tuple[str, str]]) -> Table:
    labels: dict[str, list[str]] = {}
    exact: dict[str, str] = {}
    concepts: set[str] = set()
    for name in files:
        for t in ox.parse(path=str(VOCAB / name), format=ox.RdfFormat.TURTLE):
            if not isinstance(t.subject, ox.NamedNode):
                continue
            s, p = t.subject.value, t.predicate.value
            if p == _IN_SCHEME:
                concepts.add(s)
            elif p in _LABELS and isinstance(t.object, ox.Literal):
                labels.setdefault(s, []).append(t.object.value)
            elif p == _EXACT and isinstance(t.object, ox.NamedNode):
                exact[s] = t.object.value
    canonical = {s: eu for s, eu in exact.items()
                 if eu_table and not s.startswith(EU) and eu.startswith(EU)}
    by_key: dict[str, str] = {}
    for iri in sorted(concepts):  # EU concepts first: they win a shared label
        target = canonical.get(iri, iri)
        for text in (*labels.get(iri, ()), iri):
            by_key.setdefault(key(text), target)
    for value, target in aliases:
        iri = target if "://" in target else f"{EU}{eu_table}/{target}"
        by_key.setdefault(key(value), iri)
    return Table(frozenset(concepts) - set(canonical), canonical, by_key, eu_table)


@lru_cache(maxsize=1)
def iso639_1() -> dict[str, str]:
    """EU language IRI → ISO 639-1 code (the language tag of untagged titles)."""
    out = {}
    for t in ox.parse(path=str(VOCAB / "languages.ttl"), format=ox.RdfFormat.TURTLE):
        if t.predicate.value == f"{SKOS}altLabel" and len(t.object.value) == 2:
            out[t.subject.value] = t.object.value
    return out
