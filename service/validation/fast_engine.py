"""Fast engine: evaluates the compiled shapes directly over rdflib graphs.

Why: pySHACL re-reads the shapes and copies the vocabularies into the data graph on every
call; this engine compiles once (compiler.py, then plan.py) and looks the vocabularies up in
place, giving the same results (asserted by tests/validation/test_engines.py) far faster
(ratios in bench/validation.py and docs/benchmarks.md).
Semantics follow SHACL Core as implemented by pySHACL 0.40 (e.g. ill-typed literals never
match their datatype), restricted to the constraint kinds listed in compiler.CONSTRAINTS.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet

from rdflib import Graph
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from .compiler import ShapeCompiler
from .index import Triple, TripleIndex, canonical, register_iris
from .loader import Sources, subclass_closure
from .plan import _EMPTY, PlanCompiler, RawResult, _is_literal, datatype_matches, lang_matches
from .report import ValidationResult, node_str

__all__ = ["FastEngine", "datatype_matches", "lang_matches"]


_RDF_TYPE, _SUBCLASS_OF = RDF.type, RDFS.subClassOf  # namespace lookups cost per call

class _Context:
    """Per-call view of data ∪ vocabulary, without copying the vocabulary."""

    __slots__ = ("data", "sp", "vocab", "vocab_types", "types", "_by_class")

    def __init__(self, data: TripleIndex, sources: Sources, vocab: TripleIndex,
                 vocab_types: dict[Node, frozenset[Node]],
                 superclasses: dict[Node, frozenset[Node]]) -> None:
        self.data = data
        self.sp = data._sp  # subject -> predicate -> objects: the hot lookup, one attribute away
        self.vocab = vocab
        self.vocab_types = vt = vocab_types
        supers = superclasses
        if data.has_predicate(_SUBCLASS_OF):
            supers = subclass_closure(sources.vocab, data)
        types: dict[Node, set[Node]] = {}
        for s, t in data.subject_objects(_RDF_TYPE):
            known = types.get(s)
            if known is None:
                known = types[s] = set()
            known.update(supers.get(t, (t,)))
        for n, ts in types.items():
            extra = vt.get(n)
            if extra:
                ts.update(extra)
        self.types = types
        self._by_class: dict[Node, set[Node]] | None = None

    def types_of(self, n: Node) -> set[Node] | frozenset[Node]:
        return self.types.get(n) or self.vocab_types.get(n, _EMPTY)

    def focus_nodes(self, cls: Node) -> AbstractSet[Node]:
        """Instances of cls that the data mentions (vocabulary-only nodes are left out)."""
        by_class = self._by_class
        if by_class is None:
            by_class = self._by_class = {}
            vt = self.vocab_types
            # vocabulary nodes the data mentions (literals left out before hashing them:
            # rdflib hashes literals in Python)
            mentioned = {n: vt[n] for n in self.sp if n in vt and not _is_literal(n)}
            for by_o in self.data._po.values():
                for n in by_o:
                    if not _is_literal(n) and n in vt:
                        mentioned[n] = vt[n]
            for source in (self.types, mentioned):
                for n, ts in source.items():
                    for t in ts:
                        nodes = by_class.get(t)
                        if nodes is None:
                            by_class[t] = {n}
                        else:
                            nodes.add(n)
        return by_class.get(cls, _EMPTY)


class FastEngine:
    """Compiled-shape SHACL evaluation; stateless per call, so safe to share between threads."""

    name = "fast"

    def __init__(self, sources: Sources) -> None:
        self._sources = sources
        # One object per shape/vocabulary IRI, shared with every TripleIndex (see index.py).
        for graph in (sources.shapes, sources.vocab):
            register_iris(t for triple in graph for t in triple)

        def canon_map(m: dict[Node, frozenset[Node]]) -> dict[Node, frozenset[Node]]:
            return {canonical(k): frozenset(map(canonical, v)) for k, v in m.items()}

        self._vocab_types = canon_map(sources.vocab_types)
        self._superclasses = canon_map(sources.superclasses)
        self._roots = ShapeCompiler(sources.shapes).compile_all()
        compiler = PlanCompiler()
        self._plans = [(tuple(map(canonical, shape.targets)), compiler.plan(shape))
                       for shape in self._roots]
        compiler.finish()
        self._vocab = TripleIndex(sources.vocab)

    def run(self, data: Graph | TripleIndex | Iterable[Triple]) -> list[ValidationResult]:
        """Validate an rdflib graph, a TripleIndex or any iterable of rdflib-term triples.
        The results come in no particular order (``Report.from_results`` sorts them)."""
        ctx = _Context(data if isinstance(data, TripleIndex) else TripleIndex(data),
                       self._sources, self._vocab, self._vocab_types, self._superclasses)
        raw: list[RawResult] = []
        for targets, plan in self._plans:
            if len(targets) == 1:
                focus = ctx.focus_nodes(targets[0])
            else:
                focus = set()
                for cls in targets:
                    focus |= ctx.focus_nodes(cls)
            for f in focus:
                plan.results(f, ctx, raw)
        return [ValidationResult(node_str(f) or "", path_s, node_str(v), *meta)
                for f, path_s, v, meta in raw]
