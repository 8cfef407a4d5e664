"""One harvest run of one source: walk the pages, skip what did not change, write the rest
through the records service, withdraw what the source no longer lists, keep the report.

Change detection happens before any validation or store write: each dataset's *source*
description (its closure in the page, blank nodes labelled by content; split.py) is hashed and
compared with the hash kept from the last run. That is what makes re-harvesting an unchanged source
cheap. Records are written one by one (each its own transaction, as in `socle import`); the
per-record state is written once per page. Withdrawals only happen after a run that walked the
whole source: a partial run (page failed, limit reached) never withdraws anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

import pyoxigraph as ox

from service.catalog.bookkeeping import now
from service.catalog.records import RecordService, invalid_record
from service.errors import Conflict, SocleError
from service.ingest import observers
from service.ingest.harvest import report as reports
from service.ingest.harvest import tracking
from service.ingest.harvest.paging import Page, pages
from service.ingest.harvest.policy import Policy
from service.ingest.harvest.report import Item, RunReport
from service.ingest.harvest.sources import Source
from service.ingest.harvest.split import Cut, cut
from service.ingest.harvest.tracking import Tracked
from service.ingest.harvest.unenrich import strip_enrichment
from service.rdf.limits import check_record_size
from service.rdf.parse import term_to_rdflib
from service.rdf.repair import declared_language, repair_extracted
from service.rdf.repair.document import document_repairs
from service.store.base import Change, compile_changes

DEFAULT_GRACE_DAYS = 7.0
MAX_RESULTS = 10  # validation results kept per failed dataset in the report
# What declared_language reads of a page (the catalogue's type and language).
_CATALOG_PREDICATES = frozenset({"http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                                 "http://purl.org/dc/terms/language"})


@dataclass
class Progress:
    """Callbacks for a CLI progress display (stderr); both optional."""

    page: Callable[[RunReport, Page], None] | None = None
    item: Callable[[RunReport, Item], None] | None = None


def _problem_item(key: str, err: SocleError, record_id: str | None = None,
                  repairs: list[dict] | None = None) -> Item:
    problem = err.to_problem()
    results = [{"message": r.get("message"), "path": r.get("path"), "focus": r.get("focus"),
                "value": r.get("value"), "severity": r.get("severity")}
               for r in problem.get("results", [])[:MAX_RESULTS]]
    return Item(key, "failed", record_id, err.detail_fr, err.detail_en, results or None,
                repairs=repairs or None)


def _quarantined(key: str, meta, repairs: list[dict]) -> Item:
    """A record kept non-public: its fix list is the report's violations."""
    count = int(meta.validation.get("violations", 0))
    item = _problem_item(key, invalid_record(meta.validation), meta.id, repairs)
    item.outcome = "quarantined"
    item.detail_fr = (f"En quarantaine (non publié) : {count} erreur(s) bloquante(s) à "
                      "corriger par l'éditeur ; la prochaine moisson le vérifie à nouveau.")
    item.detail_en = (f"Quarantined (not published): {count} violation(s) for the publisher "
                      "to fix; the next harvest checks it again.")
    return item


class Harvester:
    """Runs harvests for one store; thread-safe per source through the run lock."""

    def __init__(self, records: RecordService, policy: Policy,
                 grace_days: float = DEFAULT_GRACE_DAYS) -> None:
        self.records = records
        self.store = records.store
        self.policy = policy
        self.grace_days = grace_days

    def claim(self, source: Source) -> str:
        """Take the source's run lock (the owner to pass to run); Conflict if it is taken."""
        owner = uuid.uuid4().hex
        if not tracking.claim(self.store, source.node, owner,
                              self.policy.limits.max_seconds + 300):
            raise Conflict(f"Une moisson de la source « {source.id} » est déjà en cours.",
                           f"A harvest of source '{source.id}' is already running.",
                           source=source.id)
        return owner

    def run(self, source: Source, progress: Progress | None = None,
            grace_days: float | None = None, report: RunReport | None = None,
            owner: str | None = None) -> RunReport:
        """Harvest one source now; raises Conflict if a run of it is already going on.
        `owner`: the lock was already taken by `claim` (a run started in the background)."""
        progress = progress or Progress()
        grace = grace_days if grace_days is not None else (
            source.grace_days if source.grace_days is not None else self.grace_days)
        policy = replace(self.policy, allow_private=self.policy.allow_private
                         or source.allow_private)
        owner = owner or self.claim(source)
        report = report or RunReport(source.id, source.url, source.publisher)
        try:
            reports.save(self.store, report)
            _Run(self.records, source, policy, grace, report, progress).walk()
        finally:
            report.ended = now()
            if report.status == "running":
                report.status = "failed"
            # The final report and the lock's release in one request: a client that polls
            # the report until the run ends may start the next run at once.
            self.store.update(compile_changes([reports.put(report)]) + " ;\n"
                              + tracking.release_update(source.node, owner))
            reports.prune(self.store, source.id)
            observers.harvest_run(report)
        return report



class _Run:
    """The state of one run (what was seen, the report) and its steps."""

    def __init__(self, records: RecordService, source: Source, policy: Policy, grace: float,
                 report: RunReport, progress: Progress) -> None:
        self.records, self.store = records, records.store
        self.source, self.policy, self.grace = source, policy, grace
        self.report, self.progress = report, progress
        self.seen: set[str] = set()

    def walk(self) -> None:
        report = self.report
        self.known = tracking.tracked(self.store, self.source.node)
        try:
            for page in pages(self.source.url, self.policy):
                report.pages = page.number
                if page.total_items is not None and report.total_items is None:
                    report.total_items = page.total_items
                changes = self.page(page)
                if changes:
                    self.store.apply(changes)
                if self.progress.page:
                    self.progress.page(report, page)
        except SocleError as err:
            report.errors.append({"detail_fr": err.detail_fr, "detail_en": err.detail_en,
                                  "url": err.extra.get("url"), "type": err.type_slug})
            report.status = "failed" if report.pages == 0 else "partial"
            return
        self.withdraw()
        report.status = "done"

    def tell(self, item: Item) -> None:
        self.report.add(item)
        observers.harvest_item(self.source.id, item)
        if self.progress.item:
            self.progress.item(self.report, item)

    def page(self, page: Page) -> list[Change]:
        changes: list[Change] = []
        self.language = declared_language(
            (term_to_rdflib(q.subject), term_to_rdflib(q.predicate), term_to_rdflib(q.object))
            for q in page.quads if q.predicate.value in _CATALOG_PREDICATES
            and not isinstance(q.subject, ox.Triple) and not isinstance(q.object, ox.Triple))
        for part in cut(page.quads):
            if part.key is None:
                item = Item(f"_:{part.root.value}", "failed", None,
                            "Ressource (jeu de données, série ou service) sans IRI ni "
                            "dct:identifier : impossible de la suivre d'une moisson à l'autre.",
                            "Resource (dataset, series or service) with neither an IRI nor a "
                            "dct:identifier: it cannot be followed from one harvest to the "
                            "next.")
            elif part.key in self.seen:
                continue  # listed twice (on two pages): taken once
            else:
                self.seen.add(part.key)
                item = self.one(page, part, changes)
            self.tell(item)
        return changes

    def one(self, page: Page, part: Cut, changes: list[Change]) -> Item:
        """Skip by source hash, else write through the records service."""
        key, before = part.key, self.known.get(part.key)
        if before is not None and before.exists and before.source_hash == part.digest:
            if before.missing_since:  # back in the source
                changes.append(tracking.put(replace(before, missing_since=None)))
            return Item(key, "unchanged", before.record_id)
        try:
            check_record_size(len(part.triples))
        except SocleError as err:
            return _problem_item(key, err, before.record_id if before else None)
        # Repaired before validation (service/rdf/repair), every change reported.
        source = strip_enrichment(part.extracted())
        extracted, repairs = repair_extracted(source, page.url, self.language)
        repairs = document_repairs(source.graph, page.fixes) + repairs
        try:
            # The source's policy: records still violating after repair are quarantined
            # (non-public, with their fix list), refused (strict) or published.
            result = self.records.upsert(self.source.publisher, extracted, self.source.policy,
                                         repairs)
        except SocleError as err:
            return _problem_item(key, err, before.record_id if before else None, repairs)
        meta = result.meta
        changes.append(tracking.put(Tracked(self.source.node, key, meta.id, meta.iri,
                                            part.digest, now(), page.url)))
        if meta.status == "quarantine":  # re-checked by every run (not in the store)
            return _quarantined(key, meta, repairs)
        return Item(key, result.outcome, meta.id,
                    violations=int(result.report.get("violations", 0)), repairs=repairs or None,
                    dropped=list(result.dropped) or None)

    def withdraw(self) -> None:
        """Datasets of earlier runs that this complete run did not see."""
        stamp, grace, publisher = now(), self.grace, self.source.publisher
        for key, t in sorted(self.known.items()):
            if key in self.seen:
                continue
            if not t.exists and not self.records.private.metas("id", [t.record_id]):
                self.store.apply([tracking.drop(t)])  # deleted meanwhile (by a curator)
                continue
            if not tracking.overdue(t, grace):
                if t.missing_since is None:
                    self.store.apply([tracking.mark_missing(t, stamp)])
                since = t.missing_since or stamp
                item = Item(key, "missing", t.record_id,
                            f"Absent de la source depuis {since} : retiré après {grace:g} "
                            "jour(s).",
                            f"Missing from the source since {since}: withdrawn after "
                            f"{grace:g} day(s).")
            else:
                try:
                    self.records.delete(publisher, t.record_id)
                    self.store.apply([tracking.drop(t)])
                    item = Item(key, "withdrawn", t.record_id,
                                "Retiré : il n'est plus dans la source.",
                                "Withdrawn: no longer in the source.")
                except SocleError as err:
                    item = _problem_item(key, err, t.record_id)
            self.tell(item)
