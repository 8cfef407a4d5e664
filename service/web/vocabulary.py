"""The SKOS vocabularies of `vocab/` as picker choices and labels for the pages.

Why here and not in validation: pages need labels in the reader's language and short,
ordered choice lists (one licence per licence, not every equivalent IRI), which the
validator does not care about. Loaded once per process and vocab directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from service.territories import spatial_labels

# Picker name -> (vocabulary file, only concepts that carry a skos:notation).
SCHEMES: dict[str, tuple[str, bool]] = {
    "themes": ("data-themes.ttl", False),
    "frequencies": ("frequencies.ttl", False),
    "formats": ("file-types.ttl", False),
    "licences": ("licences.ttl", True),  # one entry per licence, not every equivalent IRI
    "access_rights": ("access-rights.ttl", False),
    "schemas": ("scdl-schemas.ttl", False),
}
INSEE_COMMUNE = "http://id.insee.fr/geo/commune/"


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
        if iri.startswith(INSEE_COMMUNE):
            return f"{'Commune' if lang == 'fr' else 'Municipality'} {iri[len(INSEE_COMMUNE):]}"
        return None

    def iris(self, picker: str) -> set[str]:
        return {c.iri for c in self.pickers[picker]}


def _text(graph: Graph, node: URIRef, lang: str) -> str:
    for value in graph.objects(node, SKOS.prefLabel):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    return ""


@lru_cache(maxsize=4)
def load(vocab_dir: str) -> Vocabularies:
    pickers: dict[str, tuple[Concept, ...]] = {}
    labels: dict[str, Concept] = {}
    for name, (filename, with_notation) in SCHEMES.items():
        graph = Graph().parse(Path(vocab_dir) / filename, format="turtle")
        concepts = []
        for node in set(graph.subjects(RDF.type, SKOS.Concept)):
            notation = graph.value(node, SKOS.notation)
            fr, en = _text(graph, node, "fr"), _text(graph, node, "en")
            concept = Concept(str(node), str(notation or ""), fr or en, en or fr)
            labels[concept.iri] = concept
            if notation is not None or not with_notation:
                concepts.append(concept)
        pickers[name] = tuple(sorted(concepts, key=lambda c: c.fr.casefold()))
    return Vocabularies(pickers, labels)
