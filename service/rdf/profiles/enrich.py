"""The small engine behind the output profiles, and what they share.

A profile is two tables and this engine:
- a *mapping table*: predicate (or class, for ``rdf:type``) → :class:`Treatment`
  (keep, drop, rename, copy, re-type the literal, keep only if the linked node passes a test);
- the *range table* :data:`RANGES` (class expected for the IRI values of a property, as in the
  DCAT-AP ``range.ttl`` shapes), used by :func:`enrichment` to type the vocabulary IRIs a page
  refers to and give them their ``skos:prefLabel`` (fr/en) from ``vocab/``.

Everything works on pyoxigraph terms: a 100-record page (~5,000 triples) goes through a
profile in a few milliseconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from service.resources import VOCAB_DIR

if TYPE_CHECKING:
    from service.rdf.parse import OxTerm

N = ox.NamedNode

RDF_TYPE = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
DCATAP = "http://data.europa.eu/r5r/"
FOAF = "http://xmlns.com/foaf/0.1/"
ADMS = "http://www.w3.org/ns/adms#"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
ELI = "http://data.europa.eu/eli/ontology#"
PREF_LABEL = N(f"{SKOS}prefLabel")
CONCEPT = N(f"{SKOS}Concept")

# --- treatments ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keep:
    """Served as stored (the default for any term not in a table)."""


@dataclass(frozen=True)
class Drop:
    """Not served by this profile (say why in docs/harvesters.md)."""

    why: str = ""


@dataclass(frozen=True)
class Rename:
    """Served under another predicate."""

    to: str


@dataclass(frozen=True)
class Copy:
    """Served as stored *and* under another predicate (the term and its older equivalent)."""

    to: str


@dataclass(frozen=True)
class Retype:
    """Literal re-typed: ``convert(lexical)`` gives the new lexical form, or None to leave the
    literal as it is (a value that cannot be expressed is not silently invented)."""

    datatype: str
    convert: Callable[[str], str | None]
    applies_to: frozenset[str] = field(default_factory=frozenset)  # source datatypes; empty: any


@dataclass(frozen=True)
class KeepIfNode:
    """Keep the link only if the linked node has ``predicate`` with one of ``allowed``; a link
    that fails is dropped together with the node's own triples."""

    predicate: str
    allowed: frozenset[str]


@dataclass(frozen=True)
class AlsoClass:
    """For ``rdf:type`` values: also type the node with ``cls`` (e.g. its DCAT 2 superclass)."""

    cls: str


def non_negative_integer(lexical: str) -> str | None:
    text = lexical.strip()
    return str(int(text)) if text.lstrip("+").isdigit() else None


def decimal(lexical: str) -> str | None:
    try:
        value = Decimal(lexical.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return format(value, "f")


# --- range table: class per property (DCAT-AP 3.0.1 range.ttl, same in 2.1.1) ------------------

RANGES: dict[str, str] = {
    f"{DCAT}theme": f"{SKOS}Concept",
    f"{DCATAP}availability": f"{SKOS}Concept",
    f"{ADMS}status": f"{SKOS}Concept",
    f"{DCT}type": f"{SKOS}Concept",
    f"{DCT}accrualPeriodicity": f"{DCT}Frequency",
    f"{DCT}license": f"{DCT}LicenseDocument",
    f"{DCT}accessRights": f"{DCT}RightsStatement",
    f"{DCT}rights": f"{DCT}RightsStatement",
    f"{DCT}format": f"{DCT}MediaTypeOrExtent",
    f"{DCAT}mediaType": f"{DCT}MediaType",
    f"{DCAT}compressFormat": f"{DCT}MediaType",
    f"{DCAT}packageFormat": f"{DCT}MediaType",
    f"{DCAT}landingPage": f"{FOAF}Document",
    f"{FOAF}page": f"{FOAF}Document",
    f"{FOAF}homepage": f"{FOAF}Document",
    f"{DCT}spatial": f"{DCT}Location",
    f"{DCT}language": f"{DCT}LinguisticSystem",
    f"{DCT}conformsTo": f"{DCT}Standard",
    f"{DCT}provenance": f"{DCT}ProvenanceStatement",
    f"{DCATAP}applicableLegislation": f"{ELI}LegalResource",
    f"{DCAT}hadRole": f"{DCAT}Role",
}
# Structural links (distribution, contactPoint, temporal, publisher, dataset, checksum…) are
# not here: their values are nodes of the record, typed by the record itself.

# Labels for vocabulary values that vocab/ does not hold yet (EU Vocabularies tables
# planned-availability, language; ADMS publisher and licence types). IRIs not found anywhere
# get a label made from their last path segment, so that a skos:Concept always has one.
EU = "http://publications.europa.eu/resource/authority/"
EXTRA_LABELS: dict[str, tuple[str, str]] = {  # IRI: (fr, en)
    f"{EU}planned-availability/AVAILABLE": ("disponible", "available"),
    f"{EU}planned-availability/EXPERIMENTAL": ("expérimental", "experimental"),
    f"{EU}planned-availability/STABLE": ("stable", "stable"),
    f"{EU}planned-availability/TEMPORARY": ("temporaire", "temporary"),
    f"{EU}language/FRA": ("français", "French"),
    f"{EU}language/ENG": ("anglais", "English"),
    f"{EU}language/BRE": ("breton", "Breton"),
    "http://purl.org/adms/publishertype/LocalAuthority": ("Autorité locale", "Local Authority"),
    "http://purl.org/adms/publishertype/RegionalAuthority": ("Autorité régionale",
                                                             "Regional Authority"),
    "http://purl.org/adms/publishertype/NationalAuthority": ("Autorité nationale",
                                                             "National Authority"),
    "http://purl.org/adms/publishertype/Company": ("Entreprise", "Company"),
    "http://purl.org/adms/publishertype/NonProfitOrganisation": ("Organisation à but non lucratif",
                                                                 "Non-Profit Organisation"),
    "http://purl.org/adms/licencetype/Attribution": ("Attribution", "Attribution"),
    "http://purl.org/adms/licencetype/ShareAlike": ("Partage à l'identique", "Share Alike"),
    "http://purl.org/adms/licencetype/PublicDomain": ("Domaine public", "Public domain"),
}

_labels: dict[ox.NamedNode, tuple[ox.Literal, ...]] | None = None
_labels_lock = threading.Lock()


def vocab_labels(vocab_dir: Path | None = None) -> Mapping[ox.NamedNode, tuple[ox.Literal, ...]]:
    """``skos:prefLabel``s of every IRI in ``vocab/*.ttl`` (then :data:`EXTRA_LABELS`), read
    once per process."""
    global _labels
    if _labels is None or vocab_dir is not None:
        with _labels_lock:
            if _labels is None or vocab_dir is not None:
                _labels = _load_labels(vocab_dir or VOCAB_DIR)
    return _labels


def _load_labels(directory: Path) -> dict[ox.NamedNode, tuple[ox.Literal, ...]]:
    found: dict[ox.NamedNode, list[ox.Literal]] = {}
    for path in sorted(directory.glob("*.ttl")):
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if triple.predicate == PREF_LABEL and isinstance(triple.subject, ox.NamedNode):
                found.setdefault(triple.subject, []).append(triple.object)
    for iri, (fr, en) in EXTRA_LABELS.items():  # vocab/ wins when it has the IRI
        found.setdefault(N(iri), [ox.Literal(fr, language="fr"), ox.Literal(en, language="en")])
    return {iri: tuple(labels) for iri, labels in found.items()}


def _fallback_label(iri: str) -> ox.Literal:
    tail = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return ox.Literal(tail or iri)


# --- the engine --------------------------------------------------------------------------------


Treatment = Keep | Drop | Rename | Copy | Retype | KeepIfNode | AlsoClass


@dataclass(frozen=True)
class Table:
    """One profile's mapping: predicate → treatment, and class (``rdf:type`` value) →
    treatment. Keys are full IRIs."""

    properties: Mapping[str, Treatment] = field(default_factory=dict)
    classes: Mapping[str, Treatment] = field(default_factory=dict)

    def compiled(self) -> _Compiled:
        return _Compiled({N(k): v for k, v in self.properties.items()},
                         {N(k): v for k, v in self.classes.items()})


@dataclass(frozen=True)
class _Compiled:
    properties: Mapping[ox.NamedNode, Treatment]
    classes: Mapping[OxTerm, Treatment]  # looked up by rdf:type objects, any term


def apply_table(table: _Compiled, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples as the table says, in their order (unmapped terms kept as they are)."""
    triples = triples if isinstance(triples, list) else list(triples)
    props, classes = table.properties, table.classes
    dropped = _failed_nodes(props, triples)
    out: list[ox.Triple] = []
    append = out.append
    for t in triples:
        if dropped and (t.subject in dropped or t.object in dropped):
            continue
        p = t.predicate
        rule = classes.get(t.object) if p == RDF_TYPE else props.get(p)
        if rule is None or isinstance(rule, (Keep, KeepIfNode)):
            append(t)
        elif isinstance(rule, Retype):
            o = t.object
            if isinstance(o, ox.Literal) and not o.language and (
                    not rule.applies_to or o.datatype.value in rule.applies_to):
                lexical = rule.convert(o.value)
                if lexical is not None:
                    o = ox.Literal(lexical, datatype=N(rule.datatype))
            append(ox.Triple(t.subject, p, o) if o is not t.object else t)
        elif isinstance(rule, Rename):
            append(ox.Triple(t.subject, N(rule.to), t.object))
        elif isinstance(rule, Copy):
            append(t)
            append(ox.Triple(t.subject, N(rule.to), t.object))
        elif isinstance(rule, AlsoClass):
            append(t)
            append(ox.Triple(t.subject, RDF_TYPE, N(rule.cls)))
        elif isinstance(rule, Drop):
            continue
        else:  # pragma: no cover - a table with an unknown treatment is a programming error
            raise TypeError(f"unknown treatment {rule!r}")
    return _dedupe(out)


def _failed_nodes(props: Mapping[ox.NamedNode, Treatment],
                  triples: list[ox.Triple]) -> set[OxTerm]:
    tests = {p: r for p, r in props.items() if isinstance(r, KeepIfNode)}
    if not tests:
        return set()
    linked = {t.object for t in triples if t.predicate in tests}
    if not linked:
        return set()
    values: dict[tuple[OxTerm, str], list[str]] = {}
    for t in triples:
        if t.subject in linked and not isinstance(t.object, ox.Triple):
            values.setdefault((t.subject, t.predicate.value), []).append(t.object.value)
    failed = set()
    for t in triples:
        rule = tests.get(t.predicate)
        if rule is not None:
            got = values.get((t.object, rule.predicate), [])
            if not got or any(v not in rule.allowed for v in got):
                failed.add(t.object)
    return failed


def _dedupe(triples: list[ox.Triple]) -> list[ox.Triple]:
    seen: set[ox.Triple] = set()
    out = []
    for t in triples:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


_RANGE_NODES = {N(p): N(c) for p, c in RANGES.items()}


def enrichment(triples: list[ox.Triple],
               labels: Mapping[ox.NamedNode, tuple[ox.Literal, ...]] | None = None,
               ) -> list[ox.Triple]:
    """Triples to add so that the IRIs the page refers to have the class their property
    expects (:data:`RANGES`) and, when they are ``skos:Concept``s or found in ``vocab/``, their
    ``skos:prefLabel``s. Nothing already in ``triples`` is repeated."""
    labels = vocab_labels() if labels is None else labels
    wanted: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for t in triples:
        cls = _RANGE_NODES.get(t.predicate)
        if cls is not None and isinstance(t.object, ox.NamedNode):
            wanted.setdefault(t.object, set()).add(cls)
    if not wanted:
        return []
    typed: set[tuple[OxTerm, OxTerm]] = set()
    labelled: set[OxTerm] = set()
    for t in triples:
        if t.subject in wanted:
            if t.predicate == RDF_TYPE:
                typed.add((t.subject, t.object))
            elif t.predicate == PREF_LABEL:
                labelled.add(t.subject)
    out: list[ox.Triple] = []
    for iri in sorted(wanted, key=lambda n: n.value):
        for cls in sorted(wanted[iri], key=lambda n: n.value):
            if (iri, cls) not in typed:
                out.append(ox.Triple(iri, RDF_TYPE, cls))
        if iri in labelled:
            continue
        known = labels.get(iri) or _territory_labels(iri)
        if known:
            out.extend(ox.Triple(iri, PREF_LABEL, label) for label in known)
        elif CONCEPT in wanted[iri]:
            out.append(ox.Triple(iri, PREF_LABEL, _fallback_label(iri.value)))
    return out


def _territory_labels(iri: ox.NamedNode) -> tuple[ox.Literal, ...]:
    """Names of INSEE place IRIs (``dct:spatial``) from the territories registry, read on the
    first such IRI (docs/territories.md)."""
    if not iri.value.startswith("http://id.insee.fr/geo/"):
        return ()
    from service.territories.rdf import labels_for_iri

    return labels_for_iri(iri.value)
