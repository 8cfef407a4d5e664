"""A read-only, dict-indexed triple set: what the fast engine walks instead of an rdflib Graph.

Why: rdflib's ``Graph.objects``/``subjects`` go through several layers of generators and
pattern matching (about 60 % of a fast-engine call on a typical record); the engine only needs
(subject, predicate) → objects, (predicate, object) → subjects, the rdf:type pairs and the set
of mentioned nodes, all of which are two dictionary lookups here. SPARQL-based constraints run
on an in-memory pyoxigraph store built on first use (rdflib's SPARQL engine cost ~1/3 of a call).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
_EMPTY: frozenset[Node] = frozenset()
_EMPTY_DICT: dict[Node, set[Node]] = {}
# One object per IRI of the shapes and vocabularies loaded in this process (see canonical()).
_KNOWN: dict[str, URIRef] = {}


def register_iris(terms: Iterable[Node]) -> None:
    """Make these IRIs the objects every later index uses for them (validator set-up)."""
    for t in terms:
        if type(t) is URIRef:
            _KNOWN.setdefault(str(t), t)


def canonical(t: Node) -> Node:
    """The registered object for an IRI (the term itself otherwise)."""
    return _KNOWN.get(str(t), t) if type(t) is URIRef else t


class TripleIndex:
    """Triples (rdflib terms) indexed by subject-predicate and predicate-object."""

    __slots__ = ("_native", "_sp", "_po", "_ox")

    def __init__(self, triples: Iterable[Triple],
                 native: Iterable[tuple[ox.NamedNode, ox.NamedNode, Any]] | None = None) -> None:
        """``native``: the same triples as pyoxigraph terms, when the caller has them (the
        bulk path converts each record once, for this and for the store write)."""
        self._native = native
        sp: dict[Node, dict[Node, set[Node]]] = {}
        po: dict[Node, dict[Node, set[Node]]] = {}
        # Why canonical terms: a parser makes a new object per occurrence, and a dict lookup
        # that finds an equal but distinct rdflib term calls rdflib's __eq__ in Python (~5x a
        # lookup by identity; it was 1/8 of a validation). Here every IRI and blank node gets
        # one object per record — the registered one for shape and vocabulary IRIs — so the
        # engine's lookups (by predicate, by node, in the vocabulary) hit by identity.
        known = _KNOWN
        iris: dict[str, Node] = {}
        bnodes: dict[str, Node] = {}
        # Plain get/insert rather than setdefault: no throw-away dict/set per triple.
        for s, p, o in triples:  # no set() first: rdflib hashes literals in Python
            if type(p) is URIRef:
                k = str(p)  # plain str keys: str's own __eq__, in C
                c = iris.get(k)
                if c is None:
                    c = iris[k] = known.get(k, p)
                p = c
            ts = type(s)
            if ts is URIRef or ts is BNode:
                table = iris if ts is URIRef else bnodes
                k = str(s)
                c = table.get(k)
                if c is None:
                    c = table[k] = known.get(k, s) if ts is URIRef else s
                s = c
            to = type(o)
            if to is URIRef or to is BNode:
                table = iris if to is URIRef else bnodes
                k = str(o)
                c = table.get(k)
                if c is None:
                    c = table[k] = known.get(k, o) if to is URIRef else o
                o = c
            by_p = sp.get(s)
            if by_p is None:
                sp[s] = {p: {o}}
            else:
                objects = by_p.get(p)
                if objects is None:
                    by_p[p] = {o}
                else:
                    objects.add(o)
            by_o = po.get(p)
            if by_o is None:
                po[p] = {o: {s}}
            else:
                subjects = by_o.get(o)
                if subjects is None:
                    by_o[o] = {s}
                else:
                    subjects.add(s)
        self._sp, self._po = sp, po
        self._ox: dict[frozenset[Node] | None, ox.Store] | None = None

    @property
    def triples(self) -> set[Triple]:
        """The distinct triples (made from the index: rarely needed)."""
        return {(s, p, o) for s, by_p in self._sp.items() for p, objects in by_p.items()
                for o in objects}

    def __iter__(self) -> Iterator[Triple]:
        return iter(self.triples)

    def __len__(self) -> int:
        return sum(len(objects) for by_p in self._sp.values() for objects in by_p.values())

    def has_predicate(self, p: Node) -> bool:
        return p in self._po

    def objects(self, s: Node, p: Node) -> set[Node] | frozenset[Node]:
        return self._sp.get(s, {}).get(p, _EMPTY)

    def subjects(self, p: Node, o: Node) -> set[Node] | frozenset[Node]:
        return self._po.get(p, {}).get(o, _EMPTY)

    def subject_objects(self, p: Node) -> list[tuple[Node, Node]]:
        return [(s, o) for o, subjects in self._po.get(p, {}).items() for s in subjects]

    def predicates_of(self, s: Node) -> dict[Node, set[Node]]:
        """predicate -> objects of one subject (read-only; empty when s has no triple)."""
        return self._sp.get(s, _EMPTY_DICT)

    def mentioned(self) -> set[Node]:
        """Every subject and object."""
        out = set(self._sp)
        for by_o in self._po.values():
            out.update(by_o)
        return out

    def select(self, query: str, this: Node,
               predicates: frozenset[Node] | None = None) -> Iterator[dict[str, Any]]:
        """Run a SPARQL SELECT with $this pre-bound (SHACL-SPARQL), rows as rdflib terms.

        ``predicates``: when the caller has proved the query only matches triples with these
        predicates (sparql_precheck.query_predicates), the store holds only those triples —
        the same solutions for a fraction of the loading. The store is built on first use and
        kept for the other focus nodes of the record."""
        from service.rdf.parse import term_to_oxigraph, term_to_rdflib

        stores = self._ox
        if stores is None:
            stores = self._ox = {}
        store = stores.get(predicates)
        if store is None:
            store = stores[predicates] = ox.Store()
            store.extend(self._quads(predicates))
        result = store.query(query, substitutions={ox.Variable("this"): term_to_oxigraph(this)})
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("SHACL-SPARQL constraints are SELECT queries")
        names = [v.value for v in result.variables]
        for solution in result:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = term_to_rdflib(value)
            yield row

    def _quads(self, predicates: frozenset[Node] | None) -> list[ox.Quad]:
        from service.rdf.parse import OxSubject, term_to_oxigraph

        if self._native is not None:
            if not isinstance(self._native, list):
                self._native = list(self._native)  # may be read again for another query
            if predicates is None:
                return [ox.Quad(s, p, o) for s, p, o in self._native]
            wanted = {str(p) for p in predicates}
            return [ox.Quad(s, p, o) for s, p, o in self._native if p.value in wanted]
        if predicates is None:
            triples: Iterable[Triple] = self.triples
        else:
            triples = [(s, p, o) for p in predicates
                       for o, subjects in self._po.get(p, {}).items() for s in subjects]
        # subjects are IRIs or blank nodes and predicates IRIs: the index holds a record
        return [ox.Quad(cast(OxSubject, term_to_oxigraph(s)),
                        cast(ox.NamedNode, term_to_oxigraph(p)), term_to_oxigraph(o))
                for s, p, o in triples]
