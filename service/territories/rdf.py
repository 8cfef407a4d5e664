"""The registry as RDF: each territory a `skos:Concept` and `dct:Location` named by its INSEE IRI.

`skos:prefLabel` (fr; the name), `skos:notation` (INSEE code), `dct:identifier` (SIREN),
`dct:type` (its kind, an INSEE geo class), `skos:broader` to the parent commune, EPCI/EPT,
département and région, `skos:inScheme` the registry. Built as pyoxigraph triples (the whole
vocabulary, ~320,000 triples, serialises in about a second; it is cached per process).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import pyoxigraph as ox

from service.territories.registry import INSEE_GEO, KINDS, Registry, Territory, registry

N = ox.NamedNode
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SOCLE = "https://socle.opendata.fr/ns#"
SCHEME = N(f"{SOCLE}territories")
CONCEPT, LOCATION = N(f"{SKOS}Concept"), N(f"{DCT}Location")
PREF_LABEL, NOTATION, BROADER, IN_SCHEME = (N(f"{SKOS}{p}") for p in
                                            ("prefLabel", "notation", "broader", "inScheme"))
IDENTIFIER, DCT_TYPE = N(f"{DCT}identifier"), N(f"{DCT}type")
POPULATION = N(f"{SOCLE}population")
XSD_INT = N("http://www.w3.org/2001/XMLSchema#integer")
INSEE_CLASSES = {kind: N(f"http://rdf.insee.fr/def/geo#{segment[0].upper()}{segment[1:]}")
                 for kind, (segment, _, _) in KINDS.items()}


def labels(t: Territory) -> tuple[ox.Literal, ...]:
    """The `skos:prefLabel`s a feed gives a `dct:spatial` INSEE IRI: the name in French, and
    the same name in English (place names are not translated)."""
    return (ox.Literal(t.name, language="fr"), ox.Literal(t.name, language="en"))


def labels_for_iri(iri: str) -> tuple[ox.Literal, ...]:
    """The labels of the territory an INSEE IRI names; empty when the registry lacks it."""
    t = registry().by_iri(iri)
    return labels(t) if t is not None else ()


def concept_triples(t: Territory, reg: Registry, with_broader_labels: bool = False
                    ) -> list[ox.Triple]:
    node = N(t.iri)
    out = [ox.Triple(node, RDF_TYPE, CONCEPT), ox.Triple(node, RDF_TYPE, LOCATION),
           ox.Triple(node, DCT_TYPE, INSEE_CLASSES[t.kind]),
           ox.Triple(node, IN_SCHEME, SCHEME),
           ox.Triple(node, PREF_LABEL, ox.Literal(t.name, language="fr")),
           ox.Triple(node, NOTATION, ox.Literal(t.code))]
    if t.siren:
        out.append(ox.Triple(node, IDENTIFIER, ox.Literal(t.siren)))
    if t.legal_population is not None:
        out.append(ox.Triple(node, POPULATION, ox.Literal(str(t.legal_population),
                                                          datatype=XSD_INT)))
    for up in reg.broader(t):
        out.append(ox.Triple(node, BROADER, N(up.iri)))
        if with_broader_labels:
            out.append(ox.Triple(N(up.iri), PREF_LABEL, ox.Literal(up.name, language="fr")))
    return out


def scheme_triples(reg: Registry) -> list[ox.Triple]:
    return [ox.Triple(SCHEME, RDF_TYPE, N(f"{SKOS}ConceptScheme")),
            ox.Triple(SCHEME, PREF_LABEL, ox.Literal(
                "Collectivités territoriales françaises (découpage administratif "
                f"{reg.version})", language="fr")),
            ox.Triple(SCHEME, PREF_LABEL, ox.Literal(
                f"French local authorities (decoupage-administratif {reg.version})",
                language="en")),
            ox.Triple(SCHEME, N(f"{DCT}source"),
                      N("https://github.com/datagouv/decoupage-administratif"))]


def territory_triples(t: Territory, reg: Registry | None = None) -> list[ox.Triple]:
    """One territory with the labels of what it is part of (GET /territories/{key}.ttl)."""
    return concept_triples(t, reg or registry(), with_broader_labels=True)


def all_triples(reg: Registry | None = None) -> Iterable[ox.Triple]:
    reg = reg or registry()
    yield from scheme_triples(reg)
    for t in reg.territories:
        yield from concept_triples(t, reg)


_dumps: dict[str, bytes] = {}
_dump_lock = threading.Lock()
DUMP_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


def dump(suffix: str) -> bytes:
    """The whole vocabulary in Turtle (`ttl`) or N-Triples (`nt`), built once per process."""
    with _dump_lock:
        if suffix not in _dumps:
            prefixes = {"skos": SKOS, "dct": DCT, "socle": SOCLE, "igeo":
                        "http://rdf.insee.fr/def/geo#", "com": f"{INSEE_GEO}commune/",
                        "epci": f"{INSEE_GEO}intercommunalite/",
                        "dep": f"{INSEE_GEO}departement/", "reg": f"{INSEE_GEO}region/"}
            fmt = DUMP_FORMATS[suffix]
            text = ox.serialize(all_triples(), format=fmt,
                                prefixes=prefixes if fmt == ox.RdfFormat.TURTLE else None)
            assert text is not None  # no output file given: the bytes are returned
            _dumps[suffix] = text
        return _dumps[suffix]
