"""From a parsed document to records: find the cataloged resources, cut each one's closure,
mint IRIs, skolemise blank nodes, compute the content hash. Pure functions over rdflib graphs.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from service.errors import RecordShapeError
from service.rdf.namespaces import DCAT, DCTERMS, HYDRA, RDF, RECORD_TYPES

# rdflib logs a traceback for every ill-typed literal ("2023-02-30"^^xsd:date); SHACL reports
# those properly, so the log noise only hides real problems.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)

# Nodes that frame a catalogue page rather than describe a record: ignored when cutting records.
FRAME_TYPES = frozenset({DCAT.Catalog, DCAT.CatalogRecord, HYDRA.Collection,
                         HYDRA.PartialCollectionView, HYDRA.PagedCollection})


@dataclass(frozen=True)
class Extracted:
    """One cataloged resource and the triples hanging off it, as found in the input."""

    root: URIRef | BNode
    graph: Graph


def find_roots(graph: Graph) -> list[URIRef | BNode]:
    """Every node typed dcat:Dataset, dcat:DatasetSeries or dcat:DataService, in stable order,
    but not a type-only reference (a resource described elsewhere, e.g. a service's
    dcat:servesDataset: it stops the other records' closures, see typed_resources) nor a
    blank-node data service nested in a distribution (``dcat:accessService [ a
    dcat:DataService … ]``, as GeoNetwork writes: part of its dataset, which would otherwise
    point to an empty node)."""
    return sorted((r for r in typed_resources(graph)
                   if any(p != RDF.type for p in graph.predicates(r))), key=_sort_key)


def typed_resources(graph: Graph) -> set[URIRef | BNode]:
    """The records and the type-only references: where a record's closure stops."""
    roots = {s for t in RECORD_TYPES for s in graph.subjects(RDF.type, t)}
    nested = {o for o in graph.objects(None, DCAT.accessService) if isinstance(o, BNode)}
    return {r for r in roots - nested if isinstance(r, URIRef | BNode)}


def _sort_key(node: Node) -> tuple[int, str]:
    return (isinstance(node, BNode), str(node))


def closure(graph: Graph, root: Node, stop: AbstractSet[Node]) -> Graph:
    """Triples reachable from root by outgoing edges, not entering other records (stop)."""
    out = Graph()
    for triple in closure_triples(graph.predicate_objects, root, stop):
        out.add(triple)
    return out


def closure_triples(outgoing: Callable[[Node], Iterable[tuple[Node, Node]]], root: Node,
                    stop: AbstractSet[Node]) -> list[tuple[Node, Node, Node]]:
    """closure() over any source of outgoing edges (an rdflib graph, a dict index, a store):
    the bulk import cuts records without building an rdflib graph per step."""
    out = []
    seen = {root}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        for p, o in outgoing(node):
            out.append((node, p, o))
            if o not in seen and o not in stop and not isinstance(o, Literal):
                seen.add(o)
                queue.append(o)
    return out


def split_catalogue(graph: Graph) -> list[Extracted]:
    """Each cataloged resource of a catalogue document with its own closure.

    Shared nodes (one contact point referenced by many datasets) are copied into every record
    that references them, so that each record stands alone.
    """
    roots = find_roots(graph)
    stop = typed_resources(graph)
    return [Extracted(r, closure(graph, r, stop - {r})) for r in roots]


def single_record(graph: Graph) -> Extracted:
    """The one record of a request body; refuses zero, several, or unattached nodes."""
    roots = find_roots(graph)
    if not roots:
        raise RecordShapeError(
            "Aucun jeu de données : le document doit décrire un dcat:Dataset, "
            "dcat:DatasetSeries ou dcat:DataService (avec rdf:type).",
            "No dataset: the document must describe one dcat:Dataset, dcat:DatasetSeries or "
            "dcat:DataService (with rdf:type).",
        )
    if len(roots) > 1:
        shown = [_show(r) for r in roots[:5]]
        raise RecordShapeError(
            f"{len(roots)} ressources cataloguées dans un seul document ({', '.join(shown)}) : "
            "envoyez-en une par requête, ou utilisez l'import de catalogue.",
            f"{len(roots)} cataloged resources in one document ({', '.join(shown)}): send one "
            "per request, or use the catalogue import.",
            resources=shown,
        )
    record = Extracted(roots[0], closure(graph, roots[0], set()))
    framing = {s for t in FRAME_TYPES for s in graph.subjects(RDF.type, t)}
    attached = set(record.graph.subjects())
    stray = sorted({s for s in graph.subjects() if s not in attached and s not in framing
                    and not _frames_only(graph, s, framing)}, key=_sort_key)
    if stray:
        shown = [_show(s) for s in stray[:5]]
        raise RecordShapeError(
            f"Nœuds non rattachés au jeu de données ({', '.join(shown)}) : reliez-les au jeu "
            "de données ou retirez-les.",
            f"Nodes not attached to the dataset ({', '.join(shown)}): link them to the "
            "dataset or remove them.",
            nodes=shown,
        )
    return record


def _frames_only(graph: Graph, subject: Node, framing: set[Node]) -> bool:
    """A node only reached from catalogue framing (e.g. the catalogue's own publisher)."""
    referrers = set(graph.subjects(None, subject))
    return bool(referrers) and referrers <= framing


def _show(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else f"_:{node}"


def rename(graph: Graph, old: Node, new: Node) -> Graph:
    out = Graph()
    for s, p, o in graph:
        out.add((new if s == old else s, p, new if o == old else o))
    return out


def skolemise(graph: Graph, prefix: str) -> Graph:
    """Replace blank nodes by IRIs under prefix, labelled by a hash of what hangs off them.

    The same content always gets the same IRIs, so a replace with unchanged content is a no-op
    and the content hash is stable. Linear time: full canonicalisation (rdflib's) explodes on
    indistinguishable blank nodes (40 identical distributions took 12 s); here identical
    nodes simply get numbered.
    """
    triples = skolemise_triples(graph, prefix)
    if triples is None:
        return graph
    out = Graph()
    for triple in triples:
        out.add(triple)
    return out


def skolemise_triples(graph: Iterable[tuple[Node, Node, Node]],
                      prefix: str) -> list[tuple[Node, Node, Node]] | None:
    """skolemise() over any iterable of triples; None when there is no blank node."""
    signatures = _signatures(graph)
    if not signatures:
        return None
    incoming: dict[Node, list[str]] = {}
    for s, p, o in graph:
        if isinstance(o, BNode):
            source = signatures.get(s) or s.n3()
            incoming.setdefault(o, []).append(f"{source} {_term_n3(p)}")
    groups: dict[str, list[Node]] = {}
    for node, sig in signatures.items():
        groups.setdefault(sig, []).append(node)
    mapping: dict[Node, URIRef] = {}
    for sig, nodes in groups.items():
        nodes.sort(key=lambda n: sorted(incoming.get(n, ())))
        for k, node in enumerate(nodes):
            mapping[node] = URIRef(f"{prefix}{sig[:16]}" + (f"-{k}" if k else ""))
    return [(mapping.get(s, s), p, mapping.get(o, o)) for s, p, o in graph]


def _signatures(graph: Iterable[tuple[Node, Node, Node]]) -> dict[Node, str]:
    """Blank node → hash of its outgoing triples, blank objects replaced by their own hash.

    Iterative post-order (deeply nested inputs must not hit the recursion limit); a blank
    node met again while its own hash is being computed counts as "cycle".
    """
    edges: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in graph:
        if isinstance(s, BNode):
            edges.setdefault(s, []).append((p, o))
        if isinstance(o, BNode):
            edges.setdefault(o, [])
    done: dict[Node, str] = {}
    for start in edges:
        if start in done:
            continue
        stack: list[tuple[Node, bool]] = [(start, False)]
        open_nodes: set[Node] = set()
        while stack:
            node, expanded = stack.pop()
            if node in done:
                continue
            if not expanded:
                open_nodes.add(node)
                stack.append((node, True))
                stack.extend((o, False) for _p, o in edges[node]
                             if isinstance(o, BNode) and o not in done and o not in open_nodes)
                continue
            open_nodes.discard(node)
            lines = sorted(f"{_term_n3(p)} " + (("_:" + done.get(o, "cycle"))
                                               if isinstance(o, BNode) else _term_n3(o))
                           for p, o in edges[node])
            done[node] = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return done


def content_hash(graph: Iterable[tuple[Node, Node, Node]]) -> str:
    """sha256 over the sorted N-Triples of a blank-node-free graph."""
    lines = sorted(f"{_n3(s) if type(s) is URIRef else s.n3()} {_n3(p)} "
                   f"{_n3(o) if type(o) is URIRef else o.n3()}" for s, p, o in graph)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


@lru_cache(maxsize=65536)
def _n3(term: URIRef) -> str:
    """URIRef.n3() memoised: rdflib re-validates the IRI on every call, and records share
    most of their IRIs (predicates, vocabularies, publisher). IRIs only: literals that compare
    equal can have different forms ("x"@FR == "x"@fr)."""
    return term.n3()


def _term_n3(term: Node) -> str:
    """n3() with IRIs memoised (see _n3); same text."""
    return _n3(term) if type(term) is URIRef else term.n3()


def identifiers(graph: Graph, root: Node) -> list[str]:
    return sorted(str(o) for o in graph.objects(root, DCTERMS.identifier))
