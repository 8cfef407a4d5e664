"""Records read back from the RDF store as `Record`s: for `socle reindex`, the repair at start
and other processes' writes. Bookkeeping facts in one query per chunk, graphs through
`Store.triples` (the backends' fastest read of whole graphs).

A rebuild of an embedded on-disk store reads the graphs in worker processes (`workers`), each
on its own read-only handle of the store: decoding the stored terms is the largest share of a
rebuild's CPU (about 1 ms per record of ~90 quads). The indexes that only write (`pure_write`:
their `write` issues statements and reads nothing back) also compute in the workers, against
a `Recorder`; the rebuilding process replays their statements in order, so the rows are the
ones an in-process write gives. An index may instead split its write in two (`prepare`, from
each record's id, IRI and graph, then `write_prepared`; search must: it reads back surrogate
keys): the workers prepare, the rebuilding process writes, and an import's workers run the
same `prepare` (ahead.py). Without that split, the search index's
documents (parsing each record's text again, stemming, collation keys) were computed in the
rebuilding process, busy most of a 20k rebuild; at 100k the readers themselves bound the
rebuild (docs/benchmarks.md, "Cold reindex and start").
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from service.derived.protocol import Record
from service.rdf.namespaces import DCAT, DCTERMS, FOAF, RECORDS_GRAPH, SOCLE

_FACTS = f"""PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}> PREFIX dct: <{DCTERMS}>
SELECT ?id ?iri ?pub ?issued ?modified ?hash WHERE {{ %s GRAPH <{RECORDS_GRAPH}> {{
  ?rec socle:localId ?id ; foaf:primaryTopic ?iri ; socle:publisherId ?pub ;
       dct:issued ?issued ; dct:modified ?modified ; socle:contentHash ?hash }} }}"""
_COUNT = f"""PREFIX socle: <{SOCLE}> SELECT (COUNT(?rec) AS ?n) WHERE {{
  GRAPH <{RECORDS_GRAPH}> {{ ?rec socle:localId ?id }} }}"""
THEME = f"{DCAT}theme"
KEYWORD = f"{DCAT}keyword"
ORPHAN_POLL_S = 0.5
PARALLEL_FROM = 5000  # records: below, starting the workers costs more than they save


def default_workers() -> int:
    """One reader per core (`SOCLE_REINDEX_WORKERS` overrides; 0 = read in this process)."""
    configured = os.environ.get("SOCLE_REINDEX_WORKERS")
    if configured is not None:
        return max(0, int(configured))
    return os.cpu_count() or 1


class StoreSource:
    """The records of one store, as the derived store's indexes take them."""

    def __init__(self, store: Any, workers: int | None = None) -> None:
        self.store = store
        self.workers = workers  # readers of a rebuild; None: one per core from PARALLEL_FROM

    def count(self) -> int:
        for row in self.store.rows(_COUNT):
            return int(row["n"])
        return 0

    def all_records(self, chunk: int) -> Iterator[list[Record]]:
        for records, _ in self.chunks(chunk, ()):
            yield records

    def chunks(self, chunk: int, ahead: Sequence[Any]) -> Iterator[Chunk]:
        """(records, {index name: statements}) per chunk of every record; the statements of
        the `ahead` indexes when workers computed them (`Recorder`), else none."""
        facts = self.facts()
        slices = [facts[start:start + chunk] for start in range(0, len(facts), chunk)]
        path = self._readable_path()
        workers = self.workers
        if workers is None:
            workers = default_workers() if len(facts) >= PARALLEL_FROM else 0
        if path is None or workers < 1:
            for part in slices:
                yield self._records(part), {}
            return
        yield from _parallel(path, slices, workers,
                             [i for i in ahead if _pure(i) or prepares(i)])

    def facts(self) -> list[dict[str, str]]:
        """Every record's bookkeeping facts (id, iri, pub, issued, modified, hash), in one
        query."""
        return list(self.store.rows(_FACTS % ""))

    def records(self, record_ids: Sequence[str]) -> list[Record]:
        values = " ".join(json.dumps(i) for i in record_ids)
        return self._records(list(self.store.rows(_FACTS % f"VALUES ?id {{ {values} }}")))

    def written(self, metas: Sequence[Any], texts: Sequence[str] | None = None
                ) -> list[Record]:
        """The records just written (their RecordMeta): what the store keeps (its canonical
        literals), so a live index equals a rebuilt one. ``texts``: their graphs as written
        (N-Triples), taken as the store says it keeps them (`Store.as_stored`) rather than
        read back, when it can say; reading a bulk import's graphs back cost about a quarter
        of the importing process (docs/benchmarks.md, "Bulk import")."""
        facts = [{"id": m.id, "iri": m.iri, "pub": m.publisher, "issued": m.issued,
                  "modified": m.modified, "hash": m.content_hash} for m in metas]
        if texts is not None:
            kept = [self.store.as_stored(t) for t in texts]
            if all(k is not None for k in kept):
                return [record_of(f, k) for f, k in zip(facts, kept, strict=True)]
        return self._records(facts)

    def _readable_path(self) -> str | None:
        """The directory other processes can open read-only (embedded on-disk stores only)."""
        if getattr(self.store, "remote", False) or not hasattr(self.store, "native"):
            return None
        return getattr(self.store, "path", None)

    def _records(self, facts: list[dict[str, str]]) -> list[Record]:
        return records_of(self.store, facts)


def records_of(store: Any, facts: list[dict[str, str]]) -> list[Record]:
    by_iri = {f["iri"]: f for f in facts}
    return [record_of(by_iri[iri], triples) for iri, triples in store.graphs(list(by_iri))]


def record_of(facts: dict[str, str], triples: Sequence[Any]) -> Record:
    """A record from its facts and its graph's triples (pyoxigraph), in the order of their
    N-Triples lines: a store gives a graph in its index order, a write in the order it was
    prepared, and a live index must equal a rebuilt one."""
    iri = facts["iri"]
    lines = sorted(((f"{t} .", t) for t in triples), key=_first)
    ordered = [t for _, t in lines]
    themes: list[str] = []
    keywords: list[str] = []
    for t in ordered:
        predicate = t.predicate.value
        if predicate in (THEME, KEYWORD) and t.subject.value == iri:
            (themes if predicate == THEME else keywords).append(t.object.value)
    return Record(facts["id"], iri, facts["pub"], facts["issued"], facts["modified"],
                  facts["hash"], tuple(themes), tuple(keywords),
                  "\n".join(line for line, _ in lines), triples=ordered)


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


Statement = tuple[bool, str, Any]  # (many, sql, parameters)
# (records, {index name: its statements (pure_write) or what it prepared})
Chunk = tuple[list[Record], dict[str, Any]]


class Recorder:
    """A stand-in for the SQLite connection that keeps the statements a `pure_write` index
    issues, to replay them on the real one (`replay`)."""

    def __init__(self) -> None:
        self.statements: list[Statement] = []

    def execute(self, sql: str, parameters: Any = ()) -> None:
        self.statements.append((False, sql, parameters))

    def executemany(self, sql: str, rows: Any) -> None:
        self.statements.append((True, sql, list(rows)))


def replay(db: Any, statements: Sequence[Statement]) -> None:
    for many, sql, parameters in statements:
        (db.executemany if many else db.execute)(sql, parameters)


def _pure(index: Any) -> bool:
    return bool(getattr(index, "pure_write", False))


def prepares(index: Any) -> bool:
    """Whether the index splits its write into `prepare` (anywhere) and `write_prepared`."""
    return not _pure(index) and hasattr(index, "prepare") and hasattr(index, "write_prepared")


def _parallel(path: str, slices: list[list[dict[str, str]]], workers: int,
              ahead: list[Any]) -> Iterator[Chunk]:
    """The slices' chunks computed by `workers` processes, in order, at most two slices per
    worker ahead of the writer (memory stays flat)."""
    context = multiprocessing.get_context("spawn")  # no fork of a process holding RocksDB
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_open,
                             initargs=(path, ahead, os.getpid())) as pool:
        pending = [pool.submit(_read, part) for part in slices[:2 * workers]]
        following = iter(slices[2 * workers:])
        while pending:
            done = pending.pop(0).result()
            part = next(following, None)
            if part is not None:
                pending.append(pool.submit(_read, part))
            yield done


_worker: dict[str, Any] = {}


def _open(path: str, ahead: list[Any], parent: int) -> None:
    """A worker's start. ``parent`` is the rebuilding process's pid as it gave it, not
    `os.getppid()` read here: a worker still starting when its parent is killed would read
    the pid of the process that adopted it and watch that one forever."""
    from service.store.oxigraph import OxigraphStore

    threading.Thread(target=_exit_with, args=(parent,), daemon=True,
                     name="reindex-orphan-watch").start()
    _worker["store"] = OxigraphStore(path, read_only=True)
    _worker["ahead"] = ahead


def _exit_with(parent: int) -> None:
    """End this worker when its rebuilding process is gone (killed -9, it cannot stop the
    pool): an orphan would otherwise wait for work forever, its store handle open."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL_S)
    os._exit(1)


def _read(facts: list[dict[str, str]]) -> Chunk:
    """In a worker: the records of these facts (sent without their terms: the text is the
    same graph), the statements of the pure indexes and what the others prepared."""
    records = records_of(_worker["store"], facts)
    ahead = {index.name: made_ahead(index, records) for index in _worker["ahead"]}
    return [replace(r, triples=None) for r in records], ahead


def made_ahead(index: Any, records: list[Record]) -> Any:
    """What a reader process makes of these records for an index: its `prepare`'s items
    when it splits its write, else the statements its write issues (`Recorder`)."""
    if prepares(index):
        return index.prepare(records)
    recorder = Recorder()
    index.write(recorder, records)
    return recorder.statements
