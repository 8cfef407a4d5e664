"""The Store interface every backend implements, and the update compiler they share.

A record write is a list of graph changes applied atomically: both backends turn the list into
one SPARQL 1.1 Update request, which Oxigraph and SPARQL servers apply as one transaction.
Results use rdflib terms so that callers never depend on a backend's own types.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]
# What a write may hand the store: rdflib terms, or pyoxigraph's (the writer's bookkeeping and
# small batches build those directly; both backends print either as N-Triples).
Term = Node | ox.NamedNode | ox.BlankNode | ox.Literal
StoredTriple = tuple[Term, Term, Term]


class StoreLocked(RuntimeError):
    """Another process holds the embedded store (one writer per directory)."""


@dataclass(frozen=True)
class PutGraph:
    """Replace a whole named graph."""

    name: str
    triples: Iterable[StoredTriple]


@dataclass(frozen=True)
class DropGraph:
    name: str


@dataclass(frozen=True)
class PutSubject:
    """Replace every triple of one subject inside a (system) graph; no triples = delete it."""

    graph: str
    subject: str
    triples: Iterable[StoredTriple] = ()


Change = PutGraph | DropGraph | PutSubject


class NTriples:
    """A graph's triples already printed as N-Triples, one per line ending in " .", no blank
    nodes: what the bulk import's worker processes send back. Backends write the text as it
    is (no term objects built in Python); iterating parses it, for any other reader."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @classmethod
    def of(cls, triples: Iterable[tuple[Any, Any, Any]]) -> NTriples:
        """Print pyoxigraph-term triples (their ``str`` is their N-Triples form)."""
        return cls("\n".join(f"{s} {p} {o} ." for s, p, o in triples))

    def __iter__(self) -> Iterator[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
        for t in ox.parse(self.text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            yield t.subject, t.predicate, t.object

    def nquads(self, graph: str) -> str:
        """The same triples as N-Quads lines in graph (a raw newline never occurs inside an
        N-Triples term, so every " .\n" is a line end)."""
        if not self.text:
            return ""
        suffix = f" <{graph}> .\n"
        return self.text.replace(" .\n", suffix)[:-2] + suffix


class Store(ABC):
    """Named graphs in, SPARQL out. Queries see the union of all graphs as default graph.

    What a backend can do is declared here, not probed by callers:
    - `remote`: other processes write to the same store (an external SPARQL server), so read
      models follow their writes (feed/follow.py);
    - `read_only`: opened for reading only (no migration, no writes);
    - `path`: the directory of an embedded on-disk store (query workers open it read-only);
    - `files_dir`: where the files kept beside the store live (token digests, curator
      accounts, the session key); None for an in-memory store.
    """

    remote: bool = False
    read_only: bool = False
    path: str | None = None
    # Writes this process has committed (embedded backend: the only writer): caches of reads
    # compare it, read before they query (service/feed/parts.py).
    writes: int = 0

    @property
    def files_dir(self) -> str | None:
        return self.path

    @abstractmethod
    def select(self, sparql: str) -> list[dict[str, Node]]: ...

    def rows(self, sparql: str) -> Iterator[dict[str, str]]:
        """SELECT solutions as plain strings (`str()` of each term, the lexical form of a
        literal), unbound variables left out. Backends stream them when they can: read models
        built from 100k records (feed order, search, harvest tracking) never see rdflib terms."""
        for row in self.select(sparql):
            yield {name: str(value) for name, value in row.items()}

    @abstractmethod
    def ask(self, sparql: str) -> bool: ...

    @abstractmethod
    def construct(self, sparql: str) -> Graph: ...

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Apply one SPARQL Update request atomically."""

    @abstractmethod
    def graph(self, name: str) -> Graph:
        """The triples of one named graph (empty graph when absent)."""

    @abstractmethod
    def triples(self, names: Sequence[str]) -> Iterator[ox.Triple]:
        """The triples of several named graphs, as pyoxigraph terms: the feed's fast path
        (no rdflib objects), graph after graph in the order given."""

    def as_stored(self, text: str) -> list[ox.Triple] | None:
        """The triples of a graph just written as this N-Triples text, as a read would give
        them back (the store's own literal forms, each triple once, any order), when the
        backend knows them without reading; None: read the graph back. The derived store
        takes a bulk write's graphs this way (service/derived/source.py)."""
        return None

    def stored_form(self) -> Callable[[Sequence[ox.Triple]], list[ox.Triple]] | None:
        """A module-level function (it runs in import worker processes, sent by reference)
        giving a graph's triples as this store keeps them once written (`as_stored` from
        terms instead of text), or None when the backend cannot say without reading."""
        return None

    def graphs(self, names: Sequence[str]) -> Iterator[tuple[str, list[ox.Triple]]]:
        """Each named graph with its triples (empty when absent), in the order given: the
        derived store reads records with it (service/derived/source.py)."""
        for name in names:
            yield name, list(self.triples([name]))

    @abstractmethod
    def dump(self, out: BinaryIO) -> None:
        """Write every quad as N-Quads."""

    @abstractmethod
    def restore(self, source: BinaryIO) -> int:
        """Replace the whole content by an N-Quads dump; returns the number of quads."""

    def apply(self, changes: Sequence[Change]) -> None:
        """Apply changes as one transaction: all of them or none."""
        self.update(compile_changes(changes))

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release resources."""


def compile_changes(changes: Sequence[Change]) -> str:
    parts: list[str] = []
    for change in changes:
        if isinstance(change, PutGraph):
            parts.append(f"DROP SILENT GRAPH <{change.name}>")
            triples = change.triples
            body = (triples.text if isinstance(triples, NTriples)
                    else "\n".join(triple_lines(triples)))
            if body:
                parts.append(f"INSERT DATA {{ GRAPH <{change.name}> {{\n{body}\n}} }}")
        elif isinstance(change, DropGraph):
            parts.append(f"DROP SILENT GRAPH <{change.name}>")
        elif isinstance(change, PutSubject):
            parts.append(
                f"DELETE WHERE {{ GRAPH <{change.graph}> {{ <{change.subject}> ?p ?o }} }}"
            )
            body = "\n".join(triple_lines(change.triples))
            if body:
                parts.append(f"INSERT DATA {{ GRAPH <{change.graph}> {{\n{body}\n}} }}")
    return " ;\n".join(parts)


def triple_lines(triples: Iterable[StoredTriple]) -> Iterator[str]:
    for s, p, o in triples:
        yield f"{nt(s)} {nt(p)} {nt(o)} ."


def _escape(text: str) -> str:
    """N-Triples string escapes. Chained str.replace, not str.translate: translate looks every
    character up in a dict (slow on a record's validation report JSON), replace is C."""
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))


def nt(term: Term) -> str:
    """N-Triples form of a term (blank nodes are not allowed in stored graphs)."""
    kind: type = type(term)
    if kind is ox.NamedNode or kind is ox.Literal:  # bulk writes hand pyoxigraph terms; an
        return str(term)  # isinstance against rdflib's classes would go through the ABC hook
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        lexical = f'"{_escape(str(term))}"'
        if term.language:
            return f"{lexical}@{term.language}"
        if term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f"{lexical}^^<{term.datatype}>"
        return lexical
    if isinstance(term, BNode | ox.BlankNode):
        raise ValueError("blank nodes must be skolemised before storage")
    raise TypeError(f"unsupported term {term!r}")
