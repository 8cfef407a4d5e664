"""Cut a harvested page into datasets and hash each one, on pyoxigraph terms.

The same cut as `service.rdf.records.split_catalogue` (each cataloged resource with the triples
reachable from it, not entering other resources), done on the parser's own terms with a
subject index: an unchanged dataset is recognised by its hash without building any rdflib
object, which is most of what makes a re-harvest cheap. Only datasets that changed are turned
into rdflib graphs for the records service.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from service.rdf.namespaces import DCTERMS, RDF, RECORD_TYPES
from service.rdf.parse import term_to_rdflib, to_rdflib
from service.rdf.records import Extracted, blank_signatures

_TYPE = ox.NamedNode(str(RDF.type))
_IDENTIFIER = ox.NamedNode(str(DCTERMS.identifier))
_ACCESS_SERVICE = ox.NamedNode("http://www.w3.org/ns/dcat#accessService")
_RECORD_TYPES = frozenset(ox.NamedNode(str(t)) for t in RECORD_TYPES)

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Cut:
    """One dataset of a page: its key across runs, its source hash, its triples."""

    root: ox.NamedNode | ox.BlankNode
    key: str | None
    digest: str
    triples: tuple[ox.Triple, ...]

    def extracted(self) -> Extracted:
        """The rdflib form the records service takes (built only when needed)."""
        return Extracted(term_to_rdflib(self.root), to_rdflib(self.triples))


def index(triples: Iterable[ox.Triple | ox.Quad]) -> dict[Term, list[tuple[Term, Term]]]:
    out: dict[Term, list[tuple[Term, Term]]] = {}
    for t in triples:
        out.setdefault(t.subject, []).append((t.predicate, t.object))
    return out


def roots(by_subject: dict[Term, list[tuple[Term, Term]]]) -> list[ox.NamedNode | ox.BlankNode]:
    """Typed resources, but not a blank-node data service nested in a distribution
    (``dcat:accessService [ a dcat:DataService … ]``): that one is part of its dataset."""
    nested = {o for edges in by_subject.values() for p, o in edges
              if p == _ACCESS_SERVICE and isinstance(o, ox.BlankNode)}
    found = [s for s, edges in by_subject.items() if s not in nested
             and any(p == _TYPE and o in _RECORD_TYPES for p, o in edges)]
    return sorted(found, key=lambda n: (isinstance(n, ox.BlankNode), n.value))


def closure(by_subject, root, stop) -> list[ox.Triple]:
    out, seen, queue = [], {root}, deque([root])
    while queue:
        node = queue.popleft()
        for p, o in by_subject.get(node, ()):
            out.append(ox.Triple(node, p, o))
            if o not in seen and o not in stop and not isinstance(o, ox.Literal):
                seen.add(o)
                queue.append(o)
    return out


def key_of(root, triples: list[ox.Triple]) -> str | None:
    """The dataset IRI, else `identifier=<its smallest dct:identifier>`."""
    if isinstance(root, ox.NamedNode):
        return root.value
    ids = sorted(t.object.value for t in triples if t.subject == root
                 and t.predicate == _IDENTIFIER and isinstance(t.object, ox.Literal))
    return f"identifier={ids[0]}" if ids else None


def digest(triples: list[ox.Triple]) -> str:
    """sha256 of the sorted N-Triples, blank nodes named by a hash of what hangs off them (the
    parser's labels change from one fetch to the next; content does not)."""
    labels = _signatures(triples)

    def show(term) -> str:
        return f"_:{labels[term]}" if isinstance(term, ox.BlankNode) else str(term)

    lines = sorted({f"{show(t.subject)} {t.predicate} {show(t.object)}" for t in triples})
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _signatures(triples: list[ox.Triple]) -> dict[Term, str]:
    return blank_signatures(((t.subject, t.predicate, t.object) for t in triples),
                            ox.BlankNode, str, digits=32)


def cut(triples: Iterable[ox.Triple | ox.Quad]) -> list[Cut]:
    """Every cataloged resource a page describes, with its key and source hash. A node that
    only has a type is a reference to a resource described elsewhere (GeoDCAT-AP services
    name the datasets they serve that way): not a record, and not entered by others."""
    by_subject = index(triples)
    found = roots(by_subject)
    stop = set(found)
    out = []
    for root in found:
        if all(p == _TYPE for p, _o in by_subject[root]):
            continue  # a reference (e.g. a service's servesDataset), described elsewhere
        part = closure(by_subject, root, stop - {root})
        out.append(Cut(root, key_of(root, part), digest(part), tuple(part)))
    return out
