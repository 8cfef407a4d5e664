"""The SKOS vocabularies of `vocab/` as picker choices and labels for the pages.

Why here and not in validation: pages need labels in the reader's language and short,
ordered choice lists (one licence per licence, not every equivalent IRI), which the
validator does not care about. Loaded once per process and vocab directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from service.territories import spatial_labels
from service.web.formats import collated

# Picker name -> (vocabulary file, only concepts that carry a skos:notation).
SCHEMES: dict[str, tuple[str, bool]] = {
    "themes": ("data-themes.ttl", False),
    "frequencies": ("frequencies.ttl", False),
    "formats": ("file-types.ttl", False),
    "licences": ("licences.ttl", True),  # one entry per licence, not every equivalent IRI
    "access_rights": ("access-rights.ttl", False),
    "schemas": ("scdl-schemas.ttl", False),
    "languages": ("languages.ttl", False),
    "availability": ("availability.ttl", False),
}
INSEE_COMMUNE = "http://id.insee.fr/geo/commune/"
# IANA media type IRIs: their last two segments are the media type, which is its own label.
IANA = re.compile(r"^https?://www\.iana\.org/assignments/media-types/([a-z]+/[A-Za-z0-9.+_-]+)$")
EU_LANGUAGE = re.compile(r"^http://publications\.europa\.eu/resource/authority/language/[A-Z]{3}$")


@dataclass(frozen=True)
class Concept:
    iri: str
    notation: str
    fr: str
    en: str

    def label(self, lang: str = "fr") -> str:
        return (self.en if lang == "en" else self.fr) or self.fr or self.en or self.notation


@dataclass(frozen=True)
class Vocabularies:
    pickers: dict[str, tuple[Concept, ...]]
    labels: dict[str, Concept]  # every concept IRI of every file (equivalents included)

    def label(self, iri: str, lang: str = "fr") -> str | None:
        concept = self.labels.get(iri)
        if concept is not None:
            return concept.label(lang)
        names = spatial_labels(iri)
        if names:
            return names[0]
        media = IANA.match(iri)
        if media:
            return media.group(1)
        if EU_LANGUAGE.match(iri):  # a language outside vocab/languages.ttl: its code
            return iri.rsplit("/", 1)[-1]
        if iri.startswith(INSEE_COMMUNE):
            return f"{'Commune' if lang == 'fr' else 'Municipality'} {iri[len(INSEE_COMMUNE):]}"
        return None

    def known(self, iri: str) -> bool:
        """A value from a reference Socle knows: its vocabularies, the territories registry,
        IANA media types, the EU language table (by its IRI pattern while vocab/ has no
        languages.ttl)."""
        if EU_LANGUAGE.match(iri):
            return iri in self.labels or not self.pickers.get("languages")
        return self.label(iri) is not None

    def choices(self, picker: str, lang: str = "fr") -> list[Concept]:
        """A picker's concepts in the reader's alphabetical order (UCA collation)."""
        return _ordered(self.pickers[picker], lang)

    def iris(self, picker: str) -> set[str]:
        return {c.iri for c in self.pickers[picker]}


@lru_cache(maxsize=64)
def _ordered(concepts: tuple[Concept, ...], lang: str) -> list[Concept]:
    return collated(concepts, key=lambda c: c.label(lang))


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_CONCEPT = "http://www.w3.org/2004/02/skos/core#Concept"
SKOS_NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def _concepts(path: Path) -> list[tuple[str, str | None, str, str]]:
    """(IRI, notation or None, French label, English label) of each skos:Concept of a
    Turtle file, first value in file order. Read with Oxigraph's parser: the first search
    after a start waits for this (rdflib took most of it); tests/web/test_vocabulary_load.py
    checks it against rdflib's reading of the same files."""
    concepts: set[str] = set()
    notation: dict[str, str] = {}
    labels: dict[tuple[str, str], str] = {}
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        subject, predicate, value = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate == RDF_TYPE and value == ox.NamedNode(SKOS_CONCEPT):
            concepts.add(subject.value)
        elif predicate == SKOS_NOTATION and isinstance(value, ox.Literal):
            notation.setdefault(subject.value, value.value)
        elif (predicate == SKOS_PREF_LABEL and isinstance(value, ox.Literal)
              and value.language in ("fr", "en")):
            labels.setdefault((subject.value, value.language), value.value)
    return [(iri, notation.get(iri), labels.get((iri, "fr"), ""), labels.get((iri, "en"), ""))
            for iri in sorted(concepts)]


@lru_cache(maxsize=4)
def load(vocab_dir: str) -> Vocabularies:
    pickers: dict[str, tuple[Concept, ...]] = {}
    labels: dict[str, Concept] = {}
    for name, (filename, with_notation) in SCHEMES.items():
        if not (Path(vocab_dir) / filename).exists():  # optional tables (an older vocab/)
            pickers[name] = ()
            continue
        concepts = []
        for iri, notation, fr, en in _concepts(Path(vocab_dir) / filename):
            concept = Concept(iri, notation or "", fr or en, en or fr)
            labels[concept.iri] = concept
            if notation is not None or not with_notation:
                concepts.append(concept)
        pickers[name] = tuple(concepts)  # in IRI order; `choices` collates per language
    return Vocabularies(pickers, labels)
