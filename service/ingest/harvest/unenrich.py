"""Undo the labels a publishing catalogue adds for readers: Socle's own feed (and others) type
and label every vocabulary IRI a page refers to (``enrich.enrichment``). Those triples describe
the EU vocabularies, not the dataset; kept, they would make a harvested record differ from the
record it came from. Removed: exactly the triples Socle's enrichment would add to the rest, on
nodes that carry nothing else and are not the record's own nodes; except the typing of a value
outside Socle's vocabularies (vocab/) with a class the validator requires
(``<…/custom-frequency> a dct:Frequency``): that typing is what lets the value pass the range
check, so a record that had it keeps it (issue 17 defect 3: the same record got one more
violation by harvest than by import)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from service.rdf.parse import to_oxigraph_triples, to_rdflib
from service.rdf.profiles.enrich import PREF_LABEL, RANGES, RDF_TYPE, enrichment, vocab_labels
from service.rdf.records import Extracted

_RANGE_PREDICATES = {ox.NamedNode(p) for p in RANGES}
# Range classes whose absence is a violation for Socle's validator (untyped landing pages,
# places and IANA media types pass: their typing is Socle's own enrichment).
_DCT = "http://purl.org/dc/terms/"
_REQUIRED_CLASSES = frozenset(ox.NamedNode(c) for c in (
    f"{_DCT}Frequency", f"{_DCT}LicenseDocument", f"{_DCT}RightsStatement",
    f"{_DCT}MediaTypeOrExtent", f"{_DCT}LinguisticSystem",
    "http://www.w3.org/2004/02/skos/core#Concept"))


def _known() -> set[ox.NamedNode]:
    """IRIs Socle labels itself (vocab/ and enrich.EXTRA_LABELS): records take them as they
    are, the typing the feed adds to them is Socle's own."""
    return set(vocab_labels())


def strip_enrichment(extracted: Extracted) -> Extracted:
    triples = to_oxigraph_triples(extracted.graph)
    targets = {t.object for t in triples
               if t.predicate in _RANGE_PREDICATES and isinstance(t.object, ox.NamedNode)}
    if not targets:
        return extracted
    # Nodes that say more than a type and a label, or that belong to the record (skolemised
    # under its IRI), are the record's own description: never touched.
    own = f"{extracted.root}#"
    described = {t.subject for t in triples if t.predicate not in (RDF_TYPE, PREF_LABEL)}
    known = _known()
    candidates = {t for t in triples if t.subject in targets and t.subject not in described
                  and t.predicate in (RDF_TYPE, PREF_LABEL)
                  and not t.subject.value.startswith(own)
                  and not (t.predicate == RDF_TYPE and t.object in _REQUIRED_CLASSES
                           and t.subject not in known)}
    if not candidates:
        return extracted
    rest = [t for t in triples if t not in candidates]
    added = set(enrichment(rest)) & candidates
    if not added:
        return extracted
    graph: Graph = to_rdflib(t for t in triples if t not in added)
    return Extracted(extracted.root, graph)
