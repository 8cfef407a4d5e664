"""Import an RDF catalogue: each cataloged resource becomes a record, reported one by one.

Each record is written in its own transaction, so an interrupted import (even kill -9) leaves
every record whole or absent; good records are kept when others fail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from service.catalog.records import RecordService
from service.errors import SocleError
from service.rdf.namespaces import DCTERMS
from service.rdf.records import split_catalogue


@dataclass
class ItemReport:
    source: str
    outcome: str  # created | updated | unchanged | failed
    record_id: str | None = None
    warnings: int = 0
    error: dict | None = None


@dataclass
class ImportReport:
    items: list[ItemReport] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for i in self.items if i.outcome == outcome)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def summary(self) -> dict[str, int]:
        return {k: self.count(k) for k in ("created", "updated", "unchanged", "failed")}

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "items": [i.__dict__ for i in self.items]}


def _label(extracted) -> str:
    if isinstance(extracted.root, URIRef):
        return str(extracted.root)
    ids = list(extracted.graph.objects(extracted.root, DCTERMS.identifier))
    return f"identifier={ids[0]}" if ids else f"_:{extracted.root}"


def import_graph(records: RecordService, publisher_id: str, graph: Graph,
                 progress: Callable[[ItemReport], None] | None = None) -> ImportReport:
    report = ImportReport()
    for extracted in split_catalogue(graph):
        source = _label(extracted)
        try:
            result = records.upsert(publisher_id, extracted)
            item = ItemReport(source, result.outcome, result.meta.id,
                              int(result.report.get("warnings", 0)))
        except SocleError as err:
            item = ItemReport(source, "failed", error=err.to_problem())
        report.items.append(item)
        if progress:
            progress(item)
    return report
