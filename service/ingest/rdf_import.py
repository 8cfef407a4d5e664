"""Import an RDF catalogue: each cataloged resource becomes a record, reported one by one.

Records are written in batches, one transaction per batch (service/catalog/writer.py), so an
interrupted import (even kill -9) leaves every record whole or absent; good records are kept
when others fail.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from service.catalog.prepare import Intake
from service.catalog.records import BATCH_SIZE, RecordService, invalid_record
from service.catalog.rules import Policy
from service.errors import SocleError
from service.ingest import observers
from service.ingest.bounds import ItemList, cap_details
from service.rdf.namespaces import DCTERMS
from service.rdf.records import Extracted, split_catalogue
from service.rdf.repair import declared_language


@dataclass
class ItemReport:
    source: str
    outcome: str  # created | updated | unchanged | quarantined | failed
    record_id: str | None = None
    warnings: int = 0
    error: dict | None = None
    repairs: list[dict] | None = None  # what the repair step changed before validation
    dropped: list[dict] | None = None  # statements about shared vocabulary IRIs (ownership)


@dataclass
class ImportReport:
    items: list[ItemReport] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for i in self.items if i.outcome == outcome)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def summary(self) -> dict[str, int]:
        out = {k: self.count(k) for k in ("created", "updated", "unchanged", "failed")}
        if self.count("quarantined"):  # only with --policy quarantine
            out["quarantined"] = self.count("quarantined")
        return out

    def to_dict(self) -> dict:
        """Counts exact; items listed up to bounds.MAX_ITEMS per outcome, each failed one
        with its first bounds.MAX_DETAILS results (`unlisted` counts the others)."""
        listed = ItemList()
        for item in self.items:
            fields = {k: v for k, v in item.__dict__.items() if k != "dropped" or v}
            listed.add(item.outcome, {**fields, "error": cap_details(item.error)})
        return {"summary": self.summary(), "items": listed.items,
                "unlisted": listed.unlisted}


def _label(extracted) -> str:
    if isinstance(extracted.root, URIRef):
        return str(extracted.root)
    ids = list(extracted.graph.objects(extracted.root, DCTERMS.identifier))
    return f"identifier={ids[0]}" if ids else f"_:{extracted.root}"


def import_graph(records: RecordService, publisher_id: str, graph: Graph,
                 progress: Callable[[ItemReport], None] | None = None,
                 base: str | None = None) -> ImportReport:
    """Import every cataloged resource of an rdflib graph (see import_records)."""
    return import_records(records, publisher_id, split_catalogue(graph), progress, base=base,
                          language=declared_language(graph))


def import_records(records: RecordService, publisher_id: str, extracted: Iterable[Extracted],
                   progress: Callable[[ItemReport], None] | None = None,
                   batch_size: int = BATCH_SIZE, workers: int = 1, base: str | None = None,
                   language: str | None = None, policy: Policy = "strict",
                   advance: Callable[[int], None] | None = None) -> ImportReport:
    """Upsert each record through the bulk path (many records per transaction, same outcomes
    and per-item reports as one ``upsert`` each); ``extracted`` may be a lazy stream. Each
    record is size-checked and repaired as it is prepared (``prepare.Intake``, in the worker
    processes with ``workers``; service/rdf/repair; ``base``: the document's URL,
    ``language``: the catalogue's declared dct:language), its repairs reported. ``policy``
    (catalog/rules.py): ``quarantine`` keeps records still violating non-public, with their
    report (item outcome ``quarantined``), instead of failing them.

    ``progress(item)`` gets each item's report as its batch is written; ``advance(n)`` is told
    as records are prepared and validated, one by one (a progress bar's pace: see
    ``BatchWriter.write``)."""
    report = ImportReport()
    pending: deque[str] = deque()

    def labelled() -> Iterator[Extracted]:
        for record in extracted:
            pending.append(_label(record))
            yield record

    for result in records.upsert_many(publisher_id, labelled(), batch_size, workers, policy,
                                      on_prepared=advance, intake=Intake(base, language)):
        source = pending.popleft()
        repairs = list(getattr(result, "repairs", None) or ()) or None
        if isinstance(result, SocleError):
            item = ItemReport(source, "failed", error=result.to_problem(), repairs=repairs)
        elif result.meta.status == "quarantine":
            item = ItemReport(source, "quarantined", result.meta.id,
                              error=invalid_record(result.report).to_problem(),
                              repairs=repairs)
        else:
            item = ItemReport(source, result.outcome, result.meta.id,
                              int(result.report.get("warnings", 0)), repairs=repairs,
                              dropped=list(result.dropped) or None)
        report.items.append(item)
        if progress:
            progress(item)
    observers.imported("rdf", publisher_id, report)
    return report
