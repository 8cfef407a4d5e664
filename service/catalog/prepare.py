"""One record of a write, from its cut triples to what the store will hold, in steps:

1. **intake** (``repaired``, for a record cut from an imported document, ``Job.intake``): its
   size checked and its triples **repaired** (``service/rdf/repair``) with what only the
   document knows (its URL for relative IRIs, its declared language), the repairs kept for
   the item's report. The harvest runner and the records API's ``?repair=1`` repair before
   the writer instead (one record at a time, nothing to gain);
2. **record graph** (``record_graph``): renamed root, closure scoped by the ownership rules,
   skolemised, identifiers kept, publisher attached;
3. its foreign subjects, its **content hash** and its **validation report**.

Why the repair here for imports: with ``--workers N`` it then runs in the worker processes,
which also cut the record from the on-disk scratch store themselves; repaired in the
importing process, every record was cut, converted and repaired there, and that process
bounded the import's rate (docs/benchmarks.md, "Bulk import").

Why a module of pure functions: this is ~80 % of an import's work and depends on nothing but
the record and what the writer decided from the bookkeeping (record id, current IRI, hash and
identifiers). So it runs the same in the writing process or, with ``--workers N``, in worker
processes (``pool``), while the writer (``writer.py``) only looks up, checks and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from service.catalog.ownership import Dropped, foreign_subjects, own_prefixes, scope
from service.catalog.publishers import Publisher, publisher_triples
from service.errors import Conflict, SocleError
from service.rdf.limits import check_record_size
from service.rdf.namespaces import DCAT, DCTERMS
from service.rdf.parse import TermCache, term_to_oxigraph
from service.rdf.records import content_hash, skolemise_triples
from service.rdf.repair.engine import repair_triples
from service.store.base import NTriples
from service.validation.index import TripleIndex

Triple = tuple[Node, Node, Node]
# What an observer computes from a record's prepared triples (pyoxigraph terms), its IRI and
# its local id, by name: a module-level function (or a partial of one), so that it pickles by
# reference to the worker processes.
Extractor = tuple[str, Callable[[list[Any], str, str], Any]]
_to_ox = TermCache(term_to_oxigraph)
_THEME, _KEYWORD = ox.NamedNode(str(DCAT.theme)), ox.NamedNode(str(DCAT.keyword))
_PUBLISHER, _IDENTIFIER = DCTERMS.publisher, DCTERMS.identifier  # Namespace lookups cost
_PUBLISHER_ONLY, _IDENTIFIER_ONLY = frozenset({_PUBLISHER}), frozenset({_IDENTIFIER})


@dataclass(frozen=True)
class Intake:
    """A record cut from an imported document: size-checked and repaired in ``prepare``."""

    base: str | None = None  # the document's URL
    language: str | None = None  # the EU language IRI its catalogue declares


@dataclass(frozen=True)
class Job:
    """What the main process decided for one record before preparing it (from lookups)."""

    root: URIRef | BNode
    record_id: str
    current_iri: str | None = None  # the record's IRI when it exists already
    current_hash: str | None = None
    had: tuple[str, ...] = ()  # its stored dct:identifier values
    intake: Intake | None = None


@dataclass
class Prepared:
    """A prepared record: the graph to store, printed (it goes to the store, or back from a
    worker process, as text), or why it cannot be."""

    iri: str = ""
    graph: NTriples = field(default_factory=lambda: NTriples(""))  # what the store takes
    foreign: list[str] = field(default_factory=list)
    digest: str = ""
    report: dict[str, Any] | None = None  # None when unchanged (not validated)
    themes: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    error: SocleError | None = None
    dropped: list[Dropped] = field(default_factory=list)  # ownership.scope's report lines
    repairs: list[dict[str, Any]] = field(default_factory=list)  # the intake's (Repair dicts)
    extracted: dict[str, Any] = field(default_factory=dict)  # the extractors' results, by name


def prepare(base: str, publisher: Publisher, job: Job, triples: Iterable[Triple],
            validator: Any, extractors: Sequence[Extractor] = ()) -> Prepared:
    """The record graph, hash and report; a prepare error (record too large, identifier
    changed) as ``error``. Each of ``extractors`` (the writer's observers', e.g. the quality
    facts) runs on a record that is validated, here: in the worker processes with
    ``--workers N``, not in the writing process."""
    repairs: list[dict[str, Any]] = []
    try:
        if job.intake is not None:
            triples, repairs = repaired(triples, job.root, job.intake)
        iri, graph, dropped = record_graph(base, publisher, job, triples)
    except SocleError as err:
        return Prepared(error=err, repairs=repairs)
    foreign = foreign_subjects(graph, iri, own_prefixes(base, iri, job.record_id),
                               publisher.iri)
    digest = content_hash(graph)
    native = [(_to_ox(s), _to_ox(p), _to_ox(o)) for s, p, o in graph]
    out = Prepared(iri, NTriples.of(native), foreign, digest, dropped=dropped, repairs=repairs)
    if job.current_hash == digest:
        return out  # unchanged: stored as it is, nothing to validate
    out.report = validate_triples(validator, graph, native).to_dict()
    node = ox.NamedNode(iri)  # pyoxigraph terms compare natively
    out.themes = [o.value for s, p, o in native if p == _THEME and s == node]
    out.keywords = [o.value for s, p, o in native if p == _KEYWORD and s == node]
    out.extracted = {name: function(native, iri, job.record_id)
                     for name, function in extractors}
    return out


def record_graph(base: str, publisher: Publisher | None, job: Job, triples: Iterable[Triple]
                 ) -> tuple[str, list[Triple], list[Dropped]]:
    """What a record stores, from the triples cut for it: its dataset node named (kept IRI,
    incoming IRI or minted), its closure scoped by the ownership rules (``ownership.scope``),
    blank nodes skolemised under it, dct:identifier kept, the writer's publisher attached.
    Raises Conflict when the dct:identifier of an existing record would change."""
    root, record_id = job.root, job.record_id
    iri = job.current_iri or record_iri(base, root, record_id, None)
    node = URIRef(iri)
    renamed = root if isinstance(root, BNode) else None
    # The publisher is the writer's: drop what the document said of it and about its node.
    publisher_node = URIRef(publisher.iri) if publisher is not None else None
    seen: set[Triple] = set()
    index: dict[Node, list[tuple[Node, Node]]] = {}
    # sets: a C hash per triple, where ``==`` on rdflib terms is a Python call
    not_kept = frozenset({publisher_node}) if publisher_node is not None else frozenset()
    for s, p, o in triples:
        if renamed is not None:  # the blank root takes the record's IRI
            if type(s) is BNode and s == renamed:
                s = node
            if type(o) is BNode and o == renamed:
                o = node
            if (s, p, o) in seen:
                continue
            seen.add((s, p, o))
        if not (p in _PUBLISHER_ONLY and s == node) and s not in not_kept:
            index.setdefault(s, []).append((p, o))
    graph, dropped = scope(index, node, own_prefixes(base, iri, record_id))
    graph = skolemise_triples(graph, f"{base}/datasets/{record_id}#") or graph
    given = sorted(str(o) for s, p, o in graph if p in _IDENTIFIER_ONLY and s == node)
    if job.current_iri is None:
        if not given:
            graph.append((node, _IDENTIFIER, Literal(str(node))))
    else:
        had = sorted(job.had)
        if not given:
            graph.extend((node, _IDENTIFIER, Literal(v)) for v in had)
        elif given != had:
            raise Conflict(
                f"dct:identifier ne peut pas changer (actuel : {', '.join(had)}).",
                f"dct:identifier cannot change (current: {', '.join(had)}).",
                current=had, given=given,
            )
    if publisher is not None:
        graph.append((node, _PUBLISHER, URIRef(publisher.iri)))
        graph.extend(_publisher_triples(publisher.iri, publisher.name, publisher.siren))
    return iri, list(dict.fromkeys(graph)), dropped


def repaired(triples: Iterable[Triple], root: Node, intake: Intake
             ) -> tuple[list[Triple], list[dict[str, Any]]]:
    """Step 1 for an imported record: the size budget of a record sent alone
    (``limits.check_record_size``), then the repair step, every repair reported."""
    triples = list(triples)
    check_record_size(len(triples))
    out, repairs = repair_triples(triples, root, intake.base, intake.language)
    return out, [r.to_dict() for r in repairs]


def record_iri(base_url: str, root: Node, record_id: str, current_iri: str | None) -> str:
    """A record keeps its IRI; a new one keeps an incoming dataset IRI, else gets a minted one."""
    if current_iri is not None:
        return current_iri
    if isinstance(root, URIRef):
        return str(root)
    return f"{base_url}/datasets/{record_id}"


@lru_cache(maxsize=64)
def _publisher_triples(iri: str, name: str, siren: str | None) -> tuple[Triple, ...]:
    """publisher_triples, built once per publisher (every record of an import carries them)."""
    return tuple(publisher_triples(Publisher("", name, siren, iri)))


def validate_triples(validator: Any, graph: list[Triple], native: list[Any] | None = None) -> Any:
    """The fast engine takes the triples as they are; any other engine gets an rdflib graph."""
    if getattr(validator, "engine_name", None) == "fast":
        return validator.validate(TripleIndex(graph, native))
    from rdflib import Graph

    g = Graph()
    for triple in graph:
        g.add(triple)
    return validator.validate(g)
