"""Writing scores as DQV graphs: whole graphs for records scored the first time, only the
changed lines for the others, many records per transaction.

A rescore of every record writes while it scores: `Writer` runs the store calls one after
the other in a single background thread (Oxigraph releases the GIL while it writes), so the
next batch is scored while the last one is stored; docs/benchmarks.md, "Quality".
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

from service.quality import dqv
from service.quality.facts import Facts
from service.quality.score import Score
from service.store import DropGraph, PutGraph, Store
from service.store.base import NTriples

BATCH = 500  # records per transaction
BULK_FROM = 64  # graphs written at once from which the bulk loader pays
Run = Callable[..., None]  # how a store call is made: now, or queued on a Writer


@dataclass
class Scored:
    record_id: str
    publisher: str
    iri: str
    facts: Facts
    score: Score


def _now(call: Callable[..., Any], *args: Any) -> None:
    call(*args)


def write(store: Store, items: Sequence[Scored], before: dict[str, dict[str, Any]],
          run: Run = _now) -> None:
    """Store scores as DQV. A record without a DQV graph gets one through the add-only path;
    one that has it gets only the lines that changed (a link check changes a few values, not
    100 triples), the lines of BATCH records in one DELETE DATA and one INSERT DATA.
    `before`: the stored rows (keeper.stored, with facts) of the records that have a score."""
    fresh, kept = split(items, before)
    for s in fresh:
        if s.record_id in before:  # another dataset or publisher under this id: start afresh
            run(store.apply, [DropGraph(dqv.graph_name(s.record_id))])
    new = graphs(fresh)
    updates = changed(kept, before)
    if len(new) < BULK_FROM:  # few graphs: term triples (one bulk load each would cost more)
        new = [PutGraph(c.name, list(c.triples)) for c in new]
    for start in range(0, len(new), BATCH):
        run(store.apply, new[start:start + BATCH])
    for start in range(0, len(updates), BATCH):
        run(store.update, line_updates(updates[start:start + BATCH]))


def split(items: Sequence[Scored], before: dict[str, dict[str, Any]]
          ) -> tuple[list[Scored], list[Scored]]:
    """(scores to write as whole graphs, scores whose stored graph gets changed lines): a
    record keeps its graph while its stored score is of the same dataset and publisher."""
    fresh: list[Scored] = []
    kept: list[Scored] = []
    for s in items:
        old = before.get(s.record_id)
        same = old is not None and (old["publisher"], old["iri"]) == (s.publisher, s.iri)
        (kept if same else fresh).append(s)
    return fresh, kept


def graphs(items: Sequence[Scored]) -> list[PutGraph]:
    """Each score's whole DQV graph, as N-Triples text (what the bulk loader takes)."""
    out = []
    for s in items:
        lines = dqv.measurement_lines(s.record_id, s.publisher, s.iri, s.score,
                                      dqv.facts_json(s.facts))
        text = NTriples("\n".join(f"{line} ." for line in lines))
        out.append(PutGraph(dqv.graph_name(s.record_id), cast(Any, text)))
    return out


def changed(items: Sequence[Scored], before: dict[str, dict[str, Any]]
            ) -> list[tuple[str, list[str], list[str]]]:
    """(graph, lines to delete, lines to insert) of the scores that changed."""
    updates = []
    for s in items:
        old = before[s.record_id]
        detail = old.get("detail_json") or dqv.detail_json(old["score"])
        gone, added = dqv.changed_lines(s.record_id, detail, old["facts_json"], s.score,
                                        dqv.facts_json(s.facts))
        if gone or added:
            updates.append((dqv.graph_name(s.record_id), gone, added))
    return updates


def line_updates(updates: Sequence[tuple[str, list[str], list[str]]]) -> str:
    """(graph, lines to delete, lines to insert) of many graphs as one DELETE DATA then one
    INSERT DATA: one request to parse and two operations to run, not two per record."""
    parts = []
    for verb, k in (("DELETE", 1), ("INSERT", 2)):
        blocks = [f"GRAPH <{u[0]}> {{ {' . '.join(u[k])} }}" for u in updates if u[k]]
        if blocks:
            parts.append(f"{verb} DATA {{\n" + "\n".join(blocks) + "\n}")
    return " ;\n".join(parts)


class Writer:
    """Store calls run in order in one background thread, at most `depth` waiting (their
    text is held in memory). The first failure is raised by the next `run` or by `close`,
    and nothing queued after it is run: as when the calls are made one after the other."""

    def __init__(self, depth: int = 2) -> None:
        self.depth = depth
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quality-write")
        self._pending: deque[Future[None]] = deque()
        self._failed: BaseException | None = None

    def _guarded(self, call: Callable[..., Any], *args: Any) -> None:
        if self._failed is None:
            try:
                call(*args)
            except BaseException as exc:
                self._failed = exc

    def _check(self) -> None:
        if self._failed is not None:
            raise self._failed

    def run(self, call: Callable[..., Any], *args: Any) -> None:
        self._check()
        self._pending.append(self._pool.submit(self._guarded, call, *args))
        while len(self._pending) > self.depth:
            self._pending.popleft().result()
        self._check()

    def close(self) -> None:
        """Wait for every queued call; raise the first failure."""
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True)
        self._check()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, kind: Any, *rest: Any) -> None:
        if kind is None:
            self.close()
        else:  # already failing: stop queued calls, wait for the running one, keep the error
            self._failed = self._failed or RuntimeError("rescore interrupted")
            self._pool.shutdown(wait=True)
