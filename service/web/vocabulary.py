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

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS
from rdflib.term import Node

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


def _text(graph: Graph, node: Node, lang: str) -> str:
    for value in graph.objects(node, SKOS.prefLabel):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return ""


@lru_cache(maxsize=4)
def load(vocab_dir: str) -> Vocabularies:
    pickers: dict[str, tuple[Concept, ...]] = {}
    labels: dict[str, Concept] = {}
    for name, (filename, with_notation) in SCHEMES.items():
        if not (Path(vocab_dir) / filename).exists():  # optional tables (an older vocab/)
            pickers[name] = ()
            continue
        graph = Graph().parse(Path(vocab_dir) / filename, format="turtle")
        concepts = []
        for node in set(graph.subjects(RDF.type, SKOS.Concept)):
            notation = graph.value(node, SKOS.notation)
            fr, en = _text(graph, node, "fr"), _text(graph, node, "en")
            concept = Concept(str(node), str(notation or ""), fr or en, en or fr)
            labels[concept.iri] = concept
            if notation is not None or not with_notation:
                concepts.append(concept)
        pickers[name] = tuple(collated(concepts, key=lambda c: c.fr))
    return Vocabularies(pickers, labels)
