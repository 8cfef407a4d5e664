"""Read a large RDF document in bounded memory: load it into a scratch pyoxigraph store, then
cut records out of it one at a time.

Why: ``parse_rdf`` builds one rdflib graph of the whole document (~1.4 KB per triple, i.e.
GBs for a region's 100,000 datasets). Here the parser streams quads into a temporary store
(on disk above ``DISK_THRESHOLD`` bytes, in memory below), keeping only the list of record
roots in Python; each record's closure is read from the store when its turn comes, so memory
stays flat whatever the size of the document. The same safety rules as ``service.rdf.parse``
apply: no DTDs or remote JSON-LD contexts (checked on the text for those two syntaxes), no
``owl:imports``, no RDF-star triple terms (checked quad by quad while loading).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.term import Node

from service.errors import ParseError
from service.rdf.formats import RdfSyntax, syntax_for_filename
from service.rdf.limits import OPERATOR
from service.rdf.namespaces import RDF, RECORD_TYPES
from service.rdf.parse import (
    TermCache,
    _refuse_imports,
    _refuse_triple_terms,
    parse_quads,
    term_to_oxigraph,
    term_to_rdflib,
)
from service.rdf.records import Extracted, _sort_key

DISK_THRESHOLD = 8 * 1024 * 1024  # bytes of input above which the scratch store is on disk
# Quads per bulk load into the on-disk scratch store. Measured before: transactional extend
# without flushing kept everything in RocksDB memtables (772 MB RSS after loading 40,000
# datasets); one bulk load of a whole document grows with it (1,079 MB at 40,000); bulk loads
# of 50,000 quads write SST files as they go and stay flat.
CHUNK = 50_000
# Syntaxes whose safety check needs the whole text (DTDs, remote contexts): read in memory.
TEXT_CHECKED = {"rdfxml", "jsonld"}
NQUADS = RdfSyntax("nquads", "nq", "application/n-quads", (), ox.RdfFormat.N_QUADS, "N-Quads")


def syntax_for_path(name: str) -> RdfSyntax | None:
    """The file's syntax by suffix; N-Quads (.nq) is accepted for import only."""
    if name.lower().endswith(".nq"):
        return NQUADS
    return syntax_for_filename(name)


class RecordTriples:
    """One record of a ``StoredDocument``, cut from the scratch store when first read:
    pyoxigraph terms (``native``), converted to rdflib terms only when iterated. Has the one
    graph method the records service reads (``objects``), answered from the store for the
    root without cutting the record.

    ``loader``: when the scratch store is on disk, a picklable ``(function, args)`` that cuts
    the same triples in another process (the import's worker processes call it, so the
    importing process never cuts or converts these records).
    """

    __slots__ = ("_doc", "_root", "_native", "_triples", "_root_values", "loader")

    def __init__(self, doc: StoredDocument, root: Any, loader: tuple | None) -> None:
        self._doc = doc
        self._root = root
        self._native: list[tuple] | None = None
        self._triples: list[tuple[Node, Node, Node]] | None = None
        self._root_values: dict[Node, list[Node]] = {}  # the import asks twice for identifiers
        self.loader = loader

    @property
    def native(self) -> list[tuple]:
        if self._native is None:
            self._native = self._doc.cutter(self._root)
        return self._native

    def _converted(self) -> list[tuple[Node, Node, Node]]:
        if self._triples is None:
            conv = self._doc.to_rdflib
            self._triples = [(conv(s), conv(p), conv(o)) for s, p, o in self.native]
        return self._triples

    def __iter__(self) -> Iterator[tuple[Node, Node, Node]]:
        return iter(self._converted())

    def __len__(self) -> int:
        return len(self.native)

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        s, p, conv = term_to_oxigraph(subject), term_to_oxigraph(predicate), self._doc.to_rdflib
        if self._native is None and s == self._root:
            values = self._root_values.get(predicate)
            if values is None:
                values = self._root_values[predicate] = [
                    conv(_exact(q.object))
                    for q in self._doc.store.quads_for_pattern(
                        cast("ox.NamedNode | ox.BlankNode", s), cast("ox.NamedNode", p),
                        None, None)]
            return iter(values)
        return (conv(o) for s2, p2, o in self.native if s2 == s and p2 == p)


class StoredDocument:
    """A document loaded into a scratch store; use as a context manager (removes the store)."""

    def __init__(self, syntax: RdfSyntax, *, path: str | Path | None = None,
                 data: bytes | None = None, base_iri: str | None = None,
                 on_disk: bool | None = None) -> None:
        size = Path(path).stat().st_size if path is not None else len(data or b"")
        self._dir = None
        if on_disk if on_disk is not None else size > DISK_THRESHOLD:
            self._dir = tempfile.mkdtemp(prefix="socle-import-")
            self.store = ox.Store(self._dir)
        else:
            self.store = ox.Store()
        try:
            self._load(syntax, path, data, base_iri)
        except BaseException:
            self.close()
            raise
        self.roots = self._roots()

    def _load(self, syntax: RdfSyntax, path, data, base_iri) -> None:
        if syntax.name in TEXT_CHECKED or path is None:
            if data is None:
                data = Path(path).read_bytes()
            if syntax.name in TEXT_CHECKED:
                # Small by nature (one JSON or XML tree): the checked parser as for requests.
                self.store.extend(_keep_lexical(q if q.graph_name == ox.DefaultGraph() else
                                                ox.Quad(q.subject, q.predicate, q.object))
                                  for q in parse_quads(data, syntax, base_iri, OPERATOR))
                return
            if data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            source = {"input": data}
        else:
            with open(path, "rb") as f:
                bom = f.read(3) == b"\xef\xbb\xbf"
            if bom:  # rare: fall back to reading it whole
                self._load(syntax, None, Path(path).read_bytes(), base_iri)
                return
            source = {"path": str(path)}
        try:
            quads = self._checked(ox.parse(**source, format=syntax.oxigraph, base_iri=base_iri),
                                  syntax)
            if self._dir is None:
                self.store.extend(quads)
            else:
                self._load_flushing(quads)
        except SyntaxError as exc:
            raise ParseError(
                f"Document {syntax.label} invalide : {exc.msg}",
                f"Invalid {syntax.label} document: {exc.msg}",
                line=getattr(exc, "lineno", None), column=getattr(exc, "offset", None),
                syntax=syntax.name,
            ) from None
        self.store.flush()

    def _load_flushing(self, quads: Iterator[ox.Quad]) -> None:
        """Chunks through the bulk loader: no transaction is needed for a scratch store, and
        a chunk at a time keeps memory flat (one bulk load of a whole document grows with
        it)."""
        chunk: list[ox.Quad] = []
        for quad in quads:
            chunk.append(quad)
            if len(chunk) >= CHUNK:
                self.store.bulk_extend(chunk)
                chunk = []
        self.store.bulk_extend(chunk)

    @staticmethod
    def _checked(quads: Iterator[ox.Quad], syntax: RdfSyntax) -> Iterator[ox.Quad]:
        """Refuse owl:imports and triple terms quad by quad; named graphs are merged into the
        default graph, as parse_rdf does; typed literals marked (_keep_lexical). One tight
        loop: this runs once per triple of the document before any record is imported."""
        default, imports, string = ox.DefaultGraph(), _IMPORTS, _STRING_NODE
        literal, triple, quad_of = ox.Literal, ox.Triple, ox.Quad
        for quad in quads:
            s, p, o = quad.subject, quad.predicate, quad.object
            if p == imports:
                _refuse_imports((quad,))
            if type(o) is literal:
                if o.language is None and o.datatype != string:
                    yield quad_of(s, p, _marked(o))
                    continue
            elif type(o) is triple or type(s) is triple:
                _refuse_triple_terms((quad,), syntax)
            yield quad if quad.graph_name == default else quad_of(s, p, o)

    def _roots(self) -> list[URIRef | BNode]:
        roots = (term_to_rdflib(r) for r in _native_roots(self.store))
        return sorted((r for r in roots if isinstance(r, URIRef | BNode)), key=_sort_key)

    def __len__(self) -> int:
        return len(self.roots)

    @property
    def on_disk(self) -> bool:
        return self._dir is not None

    @property
    def directory(self) -> str | None:
        """The on-disk scratch store's directory (what workers open read-only)."""
        return self._dir

    def records(self) -> Iterator[Extracted]:
        """split_catalogue over the store: each root with its closure, one at a time, as
        pyoxigraph terms (``RecordTriples``) with typed literals as written."""
        to_ox = TermCache(term_to_oxigraph)
        self.to_rdflib = TermCache(term_to_rdflib)
        self.stop = _native_stops(self.store)  # the root itself is never re-entered
        self.cutter = Cutter(self.store, self.stop)
        for root in self.roots:
            native = to_ox(root)
            loader = (cut_on_disk, (self._dir, str(native))) if self._dir else None
            yield Extracted(root, RecordTriples(self, native, loader))

    def close(self) -> None:
        self.store = None  # type: ignore[assignment]
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> StoredDocument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Oxigraph stores typed literals by value: "5312"^^xsd:nonNegativeInteger comes back as an
# xsd:integer and "2024-01-01T00:00:00+00:00" as "…Z". A record must be imported exactly as
# written (same content hash, same validation as the parsed path), so typed literals go into
# the scratch store as plain strings carrying their datatype, and are rebuilt on the way out.
_MARK = "\ue000"
_STRING = "http://www.w3.org/2001/XMLSchema#string"
_STRING_NODE = ox.NamedNode(_STRING)
_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")


def _keep_lexical(quad: ox.Quad) -> ox.Quad:
    o = quad.object
    if type(o) is ox.Literal and o.language is None and o.datatype.value != _STRING:
        return ox.Quad(quad.subject, quad.predicate, _marked(o), quad.graph_name)
    return quad


def _marked(o: ox.Literal) -> ox.Literal:
    """A typed literal as a plain string the store keeps as it is (undone by _exact)."""
    return ox.Literal(f"{_MARK}{o.datatype.value}{_MARK}{o.value}")


def _exact(o: Any) -> Any:
    """A term as written in the document: a literal _marked rebuilt with its datatype."""
    if type(o) is ox.Literal and o.language is None and o.value.startswith(_MARK):
        datatype, _, value = o.value[1:].partition(_MARK)
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return o


def _native_stops(store: ox.Store) -> set[Any]:
    """Records and type-only references (service.rdf.records.typed_resources): where a
    record's closure stops. Not a blank-node data service nested in a distribution
    (dcat:accessService [ a dcat:DataService … ]: part of its dataset)."""
    rdf_type = ox.NamedNode(str(RDF.type))
    typed = {q.subject for t in RECORD_TYPES
             for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(str(t)), None)}
    nested = {q.object for q in store.quads_for_pattern(None, _ACCESS_SERVICE, None, None)
              if isinstance(q.object, ox.BlankNode)}
    return typed - nested


def _native_roots(store: ox.Store) -> set[Any]:
    """The records of the document, as service.rdf.records.find_roots decides (not a
    type-only reference: described elsewhere)."""
    rdf_type = ox.NamedNode(str(RDF.type))
    return {r for r in _native_stops(store)
            if any(q.predicate != rdf_type for q in store.quads_for_pattern(r, None, None, None))}


_ACCESS_SERVICE = ox.NamedNode("http://www.w3.org/ns/dcat#accessService")


class Cutter:
    """closure_triples over a scratch store's quads, pyoxigraph terms as written (each
    (s, p, o) is there once: every quad was loaded into the default graph).

    Why a memo: real catalogues describe their shared nodes (themes, licences, formats,
    places, publishers) once, and every record's closure reaches them, so about half of a
    record's triples are the same few dozen nodes' statements; reading a quad back from the
    store costs a term decoding each time. The store is never written while records are cut,
    so a node's statements read once stand for every later record. A node is kept from its
    second sighting on (a distribution's IRI is seen once), and both tables are bounded.
    """

    MEMO = 4096  # nodes whose statements are kept
    SIGHTED = 65536  # nodes seen once, remembered to spot the second sighting

    def __init__(self, store: ox.Store, stop: set) -> None:
        self.store = store
        self.stop = stop
        self._memo: dict[Any, list[tuple[Any, Any]]] = {}
        self._sighted: set[Any] = set()

    def _statements(self, node: Any) -> list[tuple[Any, Any]]:
        """(predicate, object) of the node's quads, objects as written (_exact)."""
        return [(q.predicate, _exact(q.object) if type(q.object) is ox.Literal else q.object)
                for q in self.store.quads_for_pattern(node, None, None, None)]

    def _of(self, node: Any) -> list[tuple[Any, Any]]:
        found = self._memo.get(node)
        if found is not None:
            return found
        found = self._statements(node)
        if node in self._sighted:
            if len(self._memo) >= self.MEMO:
                self._memo.clear()
            self._memo[node] = found
        else:
            if len(self._sighted) >= self.SIGHTED:
                self._sighted.clear()
            self._sighted.add(node)
        return found

    def __call__(self, root: Any) -> list[tuple]:
        out: list[tuple] = []
        seen, queue, stop = {root}, deque([root]), self.stop
        literal = ox.Literal
        while queue:
            node = queue.popleft()
            # the root is cut once: never worth remembering
            pairs = self._statements(node) if node is root else self._of(node)
            for p, o in pairs:
                if type(o) is not literal and o not in seen and o not in stop:
                    seen.add(o)
                    queue.append(o)
                out.append((node, p, o))
        return out


_OPENED: dict[str, Cutter] = {}


def cut_on_disk(directory: str, root: str) -> list[tuple]:
    """``Cutter`` in a worker process: the on-disk scratch store opened read-only (once per
    process and document; the importing process wrote and flushed it before any record was
    sent, and never writes it again), the root given in N-Triples form."""
    cutter = _OPENED.get(directory)
    if cutter is None:
        _OPENED.clear()  # one document at a time
        store = ox.Store.read_only(directory)
        cutter = _OPENED[directory] = Cutter(store, _native_stops(store))
    node = ox.BlankNode(root[2:]) if root.startswith("_:") else ox.NamedNode(root[1:-1])
    return cutter(node)
