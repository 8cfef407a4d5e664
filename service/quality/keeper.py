"""Scores kept current: computed on every write (an observer of the records service), rescored
after link checks and by `socle validate --all`, read back per record, publisher, instance.

A record's score is derived data: it never blocks or fails a write (an error is logged and
the next rescore repairs it). A new score's graph goes in the record's own transaction
(`records_joining`); a changed score is written after it, as the lines that changed.
"""

from __future__ import annotations

import gc
import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.catalog.bookkeeping import RecordMeta
from service.quality import dqv, history
from service.quality.facts import Facts, extract, of_record
from service.quality.links import results as link_results
from service.quality.score import INDICATORS, Result, Score, aggregate, score
from service.quality.writes import BATCH, Run, Scored, Writer, graphs, split, write
from service.rdf.namespaces import FOAF, RECORDS_GRAPH, SOCLE
from service.store import DropGraph, PutGraph, Store
from service.store.base import Change

log = logging.getLogger(__name__)


def ensure_metrics(store: Store) -> None:
    """The metric definitions, written once per store."""
    if not store.ask(f"ASK {{ GRAPH <{dqv.METRICS_GRAPH}> {{ <{dqv.MQA}score> ?p ?o }} }}"):
        store.apply([PutGraph(dqv.METRICS_GRAPH, dqv.metric_triples())])


def link_state(links: dict[str, link_results.LinkResult]) -> Callable[[str], bool | None]:
    """A URL's last outcome (None: never checked), as a dict lookup: no Python frame per URL
    scored."""
    return {url: found.ok for url, found in links.items()}.get


def score_triples(triples: Iterable[tuple], iri: str, conforms: bool,
                  links: dict[str, link_results.LinkResult]) -> tuple[Facts, Score]:
    facts = extract(triples, iri)
    return facts, score(facts, conforms, link_state(links))


FACTS = "quality"  # the name of the facts among a prepared record's extracted results


def _facts(meta: RecordMeta, triples: Iterable[Any],
           extracted: dict[str, Any] | None = None) -> Facts:
    """A written record's facts: found when it was prepared, else read from its triples."""
    found = (extracted or {}).get(FACTS)
    return found if isinstance(found, Facts) else extract(triples, meta.iri)


SNAPSHOT_EVERY = 60.0  # seconds: at most one history snapshot per publisher and process
# A snapshot reads every score of the publisher: during a long import it would cost more and
# more (a third of the importing process at 20,000 records). Its interval grows so that it
# takes at most this share of the time (docs/benchmarks.md, "Bulk import").
SNAPSHOT_SHARE = 0.05


class QualityKeeper:
    """Records-service observer: score each written record, forget each deleted one, and
    keep today's point of the publisher's score history (at most every SNAPSHOT_EVERY
    seconds per publisher: the aggregate reads every score of the publisher)."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.monotonic,
                 timer: Callable[[], float] = time.perf_counter) -> None:
        self.store = store
        self.clock = clock
        self.timer = timer  # what a snapshot costs
        self._snapshotted: dict[str, float] = {}
        self._interval: dict[str, float] = {}  # per publisher: SNAPSHOT_EVERY or more
        try:
            ensure_metrics(store)
        except Exception:  # a read-only or unreachable store must not stop the service
            log.exception("quality: metric definitions not written")

    def record_written(self, meta: RecordMeta, themes: Iterable[str] = (),
                       keywords: Iterable[str] = ()) -> None:
        try:
            self.score_records([(meta, self.store.triples([meta.iri]))])
            self.note_history({meta.publisher})
        except Exception:
            log.exception("quality: record %s not scored", meta.id)

    # Run on each record as it is prepared (catalog/prepare.py: in the worker processes of
    # an import with --workers N); the facts come back to records_joining.
    record_extractor = (FACTS, of_record)

    def note_history(self, publishers: set[str]) -> None:
        """Today's history point of publishers whose scores a write changed."""
        now = self.clock()
        due = {p for p in publishers if now - self._snapshotted.get(p, float("-inf"))
               >= self._interval.get(p, SNAPSHOT_EVERY)}
        for publisher in sorted(due):
            started = self.timer()
            snapshot_all(self.store, publisher)
            self._snapshotted[publisher] = now
            cost = self.timer() - started
            self._interval[publisher] = max(SNAPSHOT_EVERY, cost / SNAPSHOT_SHARE)

    def record_deleted(self, record_id: str) -> None:
        try:
            self.store.apply([DropGraph(dqv.graph_name(record_id))])
        except Exception:
            log.exception("quality: score of %s not dropped", record_id)

    def records_joining(self, written: Sequence[tuple[Any, ...]]
                        ) -> tuple[list[Change], Callable[[], None]]:
        """A write's transaction (catalog/commit.py: a batch, one record for a single
        write), before it runs: (meta, the triples written, what the extractors found:
        record_extractor) per record, scored without reading the records back. The whole DQV
        graphs to write (records scored for the first time, or under another dataset) go in
        the records' own transaction: one store load for both in a bulk import (each load adds
        files RocksDB compacts later: docs/benchmarks.md, "Bulk import"). The call returned
        writes the rest after it (changed lines of kept scores, the history point). Scoring
        errors are logged and leave the records' transaction alone."""
        try:
            scored, before = self._scored(written)
            fresh, kept = split(scored, before)
            changes: list[Change] = list(graphs(fresh))  # PutGraph replaces a stored one
        except Exception:
            log.exception("quality: %d record(s) not scored", len(written))
            return [], _nothing

        def after() -> None:
            try:
                write(self.store, kept, before)
                self.note_history({entry[0].publisher for entry in written})
            except Exception:
                log.exception("quality: %d record(s) not scored", len(written))
        return changes, after

    def score_records(self, written: Sequence[tuple[Any, ...]]) -> list[Scored]:
        scored, before = self._scored(written)
        write(self.store, scored, before)  # a score of another dataset is dropped there
        return scored

    def _scored(self, written: Sequence[tuple[Any, ...]]
                ) -> tuple[list[Scored], dict[str, dict[str, Any]]]:
        """The records' scores, and the stored rows (with facts) of those that had one."""
        metas: list[RecordMeta] = [entry[0] for entry in written]
        facts = [_facts(*entry) for entry in written]
        links = link_results.load(self.store, {u for f in facts for u in f.urls()})
        state = link_state(links)
        scored = [Scored(m.id, m.publisher, m.iri, f,
                         score(f, bool(m.validation.get("conforms", False)), state))
                  for m, f in zip(metas, facts, strict=True)]
        # A record created by this write (issued == modified) has no score stored yet.
        known = [m.id for m in metas if m.issued != m.modified]
        before = {r["id"]: r for r in stored(self.store, record_ids=known, with_facts=True)}
        return scored, before


def _nothing() -> None:
    return None


# -- reading ---------------------------------------------------------------------------------
_DETAILS = f"""PREFIX s: <{SOCLE}> PREFIX dqv: <{dqv.DQV}>
SELECT ?id ?pub ?iri ?detail %s WHERE {{ %s GRAPH ?g {{
  ?m s:localId ?id ; s:publisherId ?pub ; s:qualityDetail ?detail ; dqv:computedOn ?iri
  %s }} }}"""  # VALUES first: Oxigraph then looks the keys up instead of scanning


def stored(store: Store, publisher: str | None = None, record_id: str | None = None,
           with_facts: bool = False, record_ids: Sequence[str] | None = None,
           raw: bool = False) -> list[dict[str, Any]]:
    """Stored scores: id, publisher, iri, score (Score) and, when asked, facts (Facts).
    raw: the counts as their stored JSON text instead of a Score (a rescore compares texts
    and builds the old Score only for records that changed)."""
    values = ""
    if record_id is not None:
        record_ids = [record_id]
    if record_ids is not None:
        if not record_ids:
            return []
        values += "VALUES ?id { " + " ".join(json.dumps(i) for i in record_ids) + " }"
    if publisher is not None:
        values += f"VALUES ?pub {{ {json.dumps(publisher)} }}"
    facts = ("?facts", "; s:qualityFacts ?facts") if with_facts else ("", "")
    rows = store.rows(_DETAILS % (facts[0], values, facts[1]))  # plain strings: fast
    out = []
    for row in rows:
        item: dict[str, Any] = {
            "id": row["id"], "publisher": row["pub"], "iri": row["iri"]}
        if raw:
            item["detail_json"] = row["detail"]
        else:
            item["score"] = Score.from_compact(json.loads(row["detail"]))
        if with_facts:
            item["facts_json"] = row["facts"]
            item["facts"] = Facts.from_json(json.loads(item["facts_json"]))
        out.append(item)
    return sorted(out, key=lambda r: r["id"])


def record_score(store: Store, record_id: str) -> Score | None:
    rows = stored(store, record_id=record_id)
    return rows[0]["score"] if rows else None


def publisher_score(store: Store, publisher: str | None = None) -> Score:
    """A publisher's datasets (or the instance's, publisher None) as one catalogue."""
    return aggregate(r["score"] for r in stored(store, publisher))


# -- rescoring -------------------------------------------------------------------------------
@dataclass
class Rescore:
    scored: int = 0
    changed: int = 0
    refreshed: int = 0  # facts re-read from the record graph
    publishers: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {"scored": self.scored, "changed": self.changed, "refreshed": self.refreshed,
                "publishers": {k: round(v, 2) for k, v in sorted(self.publishers.items())}}


def _records(store: Store, publisher: str | None) -> list[tuple[str, str, str, bool]]:
    """(id, iri, publisher, conforms) of every record, from the bookkeeping."""
    where = f"VALUES ?pub {{ {json.dumps(publisher)} }}" if publisher else ""
    rows = store.rows(f"""PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}>
        SELECT ?id ?iri ?pub ?validation WHERE {{ {where} GRAPH <{RECORDS_GRAPH}> {{
          ?rec socle:localId ?id ; foaf:primaryTopic ?iri ; socle:publisherId ?pub ;
               socle:validation ?validation }} }}""")
    return sorted((r["id"], r["iri"], r["pub"],
                   '"conforms": true' in r["validation"]
                   or bool(json.loads(r["validation"]).get("conforms")))
                  for r in rows)


def rescore_all(store: Store, *, refresh: bool = False, publisher: str | None = None,
                snapshot: bool = True) -> Rescore:
    """Rescore every record (or one publisher's) from its stored facts, the current link
    results and its stored validation outcome; `refresh` re-reads the facts from the record
    graphs (vocabulary or rule changes). Only scores that changed are written."""
    result = Rescore()
    ensure_metrics(store)
    before = {r["id"]: r for r in stored(store, publisher, with_facts=True, raw=True)}
    links = link_results.load(store)
    state = link_state(links)
    # What was read stays to the end: frozen, the collector stops walking it at every full
    # collection (a pass over 10^5 stored rows each time).
    gc.freeze()
    try:
        with Writer() as writer:  # batch k is stored while batch k + 1 is scored
            _rescore(store, _records(store, publisher), before, state, refresh, result,
                     writer.run)
    finally:
        gc.unfreeze()
    if snapshot:
        for pub, total in snapshot_all(store, publisher).items():
            result.publishers[pub] = total
    return result


def _rescore(store: Store, records: list[tuple[str, str, str, bool]],
             before: dict[str, dict[str, Any]], state: Callable[[str], bool | None],
             refresh: bool, result: Rescore, run: Run) -> None:
    """Score each record and write those whose score or facts changed. Records scored from
    their stored facts are written BATCH at a time as the loop goes; those whose record
    graph was read are written at the end: reads between bulk loads (each ingests new
    files into the store) cost twice as much."""
    changed: list[Scored] = []
    read: list[Scored] = []
    for record_id, iri, pub, conforms in records:
        old = before.get(record_id)
        if old is None or refresh:
            facts = extract(store.triples([iri]), iri)
            result.refreshed += 1
        else:
            facts = old["facts"]
        new = score(facts, conforms, state)
        result.scored += 1
        if old is None or old["detail_json"] != dqv.detail_json(new) or old["facts"] != facts:
            result.changed += 1
            if old is None or refresh:
                read.append(Scored(record_id, pub, iri, facts, new))
                continue
            changed.append(Scored(record_id, pub, iri, facts, new))
            if len(changed) == BATCH:
                write(store, changed, before, run)
                changed = []
    write(store, changed + read, before, run)


def snapshot_all(store: Store, publisher: str | None = None) -> dict[str, float]:
    """Record today's score of every publisher with scored records (or of one)."""
    by_pub: dict[str, list[str]] = {}
    for row in stored(store, publisher, raw=True):
        by_pub.setdefault(row["publisher"], []).append(row["detail_json"])
    scores = {pub: aggregate_details(items) for pub, items in by_pub.items()}
    history.snapshot(store, {pub: (s.total, s.datasets) for pub, s in scores.items()})
    return {pub: s.total for pub, s in scores.items()}


def aggregate_details(details: Iterable[str]) -> Score:
    """``aggregate`` of stored scores given as their counts' JSON text (``dqv.detail_json``):
    summed as read, without a Score per record (a snapshot reads every score of a
    publisher)."""
    ids = [i.id for i in INDICATORS]
    sums = {i: [0, 0, 0] for i in ids}
    count = 0
    for text in details:
        data = json.loads(text)
        count += 1
        for i in ids:
            passed, population, unchecked = data.get(i, (0, 1, 0))
            total = sums[i]
            total[0] += passed
            total[1] += population
            total[2] += unchecked
    return Score(tuple(Result(i, *sums[i.id]) for i in INDICATORS), count)
