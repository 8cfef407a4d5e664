"""Embedded backend: pyoxigraph on local disk (RocksDB). One writer process per directory."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, BinaryIO, cast

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.term import Node

from service.files import private_dir
from service.rdf.parse import term_to_oxigraph, term_to_rdflib, to_rdflib
from service.store.base import (
    Change,
    NTriples,
    PutGraph,
    PutSubject,
    Store,
    StoreLocked,
    Term,
    nt,
)


def _stored(term: Term) -> ox.NamedNode | ox.Literal:
    """rdflib terms converted; pyoxigraph terms (from the bulk path) as they are."""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term
    if isinstance(term, BNode | ox.BlankNode):
        raise ValueError("blank nodes must be skolemised before storage")
    return cast("ox.NamedNode | ox.Literal", term_to_oxigraph(cast(Any, term)))


FLUSH_EVERY = 200_000  # quads added through apply() between two flushes of the memtables
CANONICAL_KEPT = 20_000  # typed literals whose stored form is remembered (stored_triples)
_SCRATCH_NODE = ox.NamedNode("urn:socle:scratch")


class OxigraphStore(Store):
    """The default store: fast bulk loads, sub-millisecond updates, transactional updates."""

    def __init__(self, path: str | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self._unflushed = 0
        self._writes_lock = threading.Lock()
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(path)
            else:
                private_dir(path)  # 0700: records, drafts, token hashes (service/files.py)
                self._store = ox.Store(path)
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreLocked(
                    f"Le dossier de données {path} est déjà ouvert par un autre processus "
                    "(socle serve ?). Arrêtez-le ou passez par l'API HTTP. / "
                    f"The data directory {path} is already open in another process "
                    "(socle serve?). Stop it or use the HTTP API."
                ) from None
            raise

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store, for code that streams results (SPARQL endpoint, feed)."""
        return self._store

    def rows(self, sparql: str) -> Iterator[dict[str, str]]:
        result = self._store.query(sparql, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        for solution in result:  # type: ignore[union-attr]
            yield {name: term.value for name in names
                   if (term := solution[name]) is not None}

    def _query(self, sparql: str) -> Any:
        return self._store.query(sparql, use_default_graph_as_union=True)

    def select(self, sparql: str) -> list[dict[str, Node]]:
        result = self._query(sparql)
        names = [v.value for v in result.variables]
        rows: list[dict[str, Node]] = []
        for solution in result:
            row: dict[str, Node] = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = term_to_rdflib(value)
            rows.append(row)
        return rows

    def ask(self, sparql: str) -> bool:
        return bool(self._query(sparql))

    def construct(self, sparql: str) -> Graph:
        return to_rdflib(self._query(sparql))

    def update(self, sparql: str) -> None:
        self._store.update(sparql)
        self._wrote()

    def _wrote(self) -> None:
        with self._writes_lock:  # after the commit: a read keyed before it is then stale
            self.writes += 1

    def apply(self, changes: Sequence[Change]) -> None:
        """Writes that only add (new record graphs, new bookkeeping subjects) skip SPARQL.

        Building, then parsing, one INSERT DATA per record is costly; ``Store.extend`` is
        one transaction too (all quads or none, also after kill -9). It is used only when
        nothing the changes would replace exists, which makes "replace" and "add" the same;
        otherwise the SPARQL Update path runs. Graphs the bulk import sends as N-Triples text
        go in through Oxigraph's bulk loader: about half the CPU of ``extend`` (no read per
        quad, no transaction log), and as atomic: its SST files are ingested in one RocksDB
        call at commit (docs/benchmarks.md, "Bulk import").
        """
        if not self._new_targets(changes):
            super().apply(changes)
            return
        if any(isinstance(c, PutGraph) and isinstance(c.triples, NTriples) for c in changes):
            puts = cast("Sequence[PutGraph | PutSubject]", changes)  # _new_targets: no drops
            text = "".join(_nquads(c) for c in puts)
            self._store.bulk_load(input=text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
            added = text.count("\n")
        else:
            quads = [q for c in cast("Sequence[PutGraph | PutSubject]", changes)
                     for q in _quads(c)]
            self._store.extend(quads)
            added = len(quads)
        self._wrote()
        self._unflushed += added
        if self._unflushed >= FLUSH_EVERY and self.path is not None:
            # RocksDB keeps writes in memtables until flushed: without this an import's
            # memory grows with the number of records written (docs/benchmarks.md).
            self._store.flush()
            self._unflushed = 0

    def _new_targets(self, changes: Sequence[Change]) -> bool:
        """Whether the changes only add: graphs and subjects that hold nothing yet, each once."""
        targets: set[tuple[str, str | None]] = set()
        for change in changes:
            target: tuple[str, str | None]
            if isinstance(change, PutGraph):
                target, subject = (change.name, None), None
            elif isinstance(change, PutSubject):
                target, subject = (change.graph, change.subject), ox.NamedNode(change.subject)
            else:
                return False
            if target in targets:
                return False
            targets.add(target)
            graph = ox.NamedNode(target[0])
            if next(self._store.quads_for_pattern(subject, None, None, graph), None) is not None:
                return False
        return True

    def graph(self, name: str) -> Graph:
        return to_rdflib(self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    def as_stored(self, text: str) -> list[ox.Triple]:
        """Oxigraph keeps typed literals by value ("05312"^^xsd:nonNegativeInteger is read
        back as "5312"^^xsd:integer, "+00:00" as "Z"): `stored_triples` of the text's
        triples (tests/derived/test_as_stored.py checks both against reading back)."""
        return stored_triples([q.triple for q in ox.parse(text.encode("utf-8"),
                                                           format=ox.RdfFormat.N_TRIPLES)])

    def stored_form(self) -> Callable[[Sequence[ox.Triple]], list[ox.Triple]] | None:
        return stored_triples

    def triples(self, names: Sequence[str]) -> Iterator[ox.Triple]:
        for name in names:
            for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                yield quad.triple

    def dump(self, out: BinaryIO) -> None:
        self._store.dump(out, format=ox.RdfFormat.N_QUADS)

    def restore(self, source: BinaryIO) -> int:
        # Check the whole dump parses before clearing: a bad file must not wipe the store.
        start = source.tell()
        for _ in ox.parse(source, format=ox.RdfFormat.N_QUADS):
            pass
        source.seek(start)
        self._store.clear()
        self._store.bulk_load(source, format=ox.RdfFormat.N_QUADS)
        self._store.flush()
        self._wrote()
        return len(self._store)

    def count_graphs(self) -> int:
        return sum(1 for _ in self._store.named_graphs())

    def close(self) -> None:
        store = self.__dict__.pop("_store", None)
        if store is not None and self.path is not None and not self.read_only:
            store.flush()


def _canonicalise(literal: ox.Literal) -> ox.Literal:
    # A fresh store each time: one in-memory store cleared and reused was read slower
    # with every literal put through it (measured: docs/benchmarks-history.md, "Ninth round").
    scratch = ox.Store()
    scratch.add(ox.Quad(_SCRATCH_NODE, _SCRATCH_NODE, literal))
    [back] = [q.object for q in scratch]
    return cast(ox.Literal, back)


_PLAIN = frozenset({ox.NamedNode("http://www.w3.org/2001/XMLSchema#string"),
                    ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")})
_kept: dict[ox.Literal, ox.Literal] = {}  # typed literal -> as stored (stored_triples)


def stored_triples(triples: Sequence[ox.Triple]) -> list[ox.Triple]:
    """`Store.stored_form` of this backend: the triples of a graph as the store keeps them
    once written, each once, from pyoxigraph terms; each typed literal is put once through a
    scratch in-memory store, which encodes terms as this one does. A module function: import
    worker processes run it by reference."""
    out: dict[ox.Triple, None] = {}
    for t in triples:
        literal = t.object
        if type(literal) is ox.Literal and literal.datatype not in _PLAIN:
            kept = _kept.get(literal)
            if kept is None:
                kept = _canonicalise(literal)
                if len(_kept) >= CANONICAL_KEPT:
                    _kept.clear()
                _kept[literal] = kept
            if kept != literal:
                t = ox.Triple(t.subject, t.predicate, kept)
        out[t] = None
    return list(out)


def _graph_of(change: PutGraph | PutSubject) -> str:
    return change.name if isinstance(change, PutGraph) else change.graph


def _quads(change: PutGraph | PutSubject) -> Iterator[ox.Quad]:
    graph = ox.NamedNode(_graph_of(change))
    for s, p, o in change.triples:
        yield ox.Quad(cast(ox.NamedNode, _stored(s)), cast(ox.NamedNode, _stored(p)), _stored(o),
                      graph)


def _nquads(change: PutGraph | PutSubject) -> str:
    """N-Quads lines of a change, each ending in a newline."""
    name = _graph_of(change)
    if isinstance(change.triples, NTriples):
        return change.triples.nquads(name)
    suffix = f" <{name}> .\n"
    return "".join(f"{nt(s)} {nt(p)} {nt(o)}{suffix}" for s, p, o in change.triples)
