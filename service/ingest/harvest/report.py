"""The report of one harvest run: counts, and per dataset what happened and why (French, then
English). Kept in the harvest system graph as JSON so that every app process can show it."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import Literal, URIRef

from service.catalog.bookkeeping import RDF_JSON, now
from service.ingest.bounds import MAX_ITEMS
from service.ingest.harvest.sources import SOURCE_PREFIX
from service.rdf.namespaces import HARVEST_GRAPH, PROV, RDF, SOCLE, XSD
from service.rdf.repair import repair_lines
from service.store import PutSubject, Store

RUN_PREFIX = "urn:socle:harvest:run:"
# quarantined: kept non-public with its fix list (source policy quarantine, catalog/private.py)
OUTCOMES = ("created", "updated", "unchanged", "quarantined", "withdrawn", "missing",
            "failed")
KEEP_RUNS = 20  # per source
# Items listed per outcome in a report (counts stay exact): a first harvest of 100k datasets,
# or a source of 100k broken ones, must not store a report of hundreds of MB.
MAX_LISTED = MAX_ITEMS
# Status of a run: what a curator reads first.
STATUS_LABELS = {
    "running": ("en cours", "running"),
    "done": ("terminé", "done"),
    "partial": ("partiel : moisson interrompue, rien n'a été retiré",
                "partial: harvest stopped, nothing was withdrawn"),
    "failed": ("échec", "failed"),
}


@dataclass
class Item:
    key: str
    outcome: str
    record_id: str | None = None
    detail_fr: str | None = None
    detail_en: str | None = None
    results: list[dict] | None = None  # validation results (first ones) of a failed record
    violations: int = 0  # taken despite SHACL violations (source with accept_invalid)
    repairs: list[dict] | None = None  # what the repair step changed (service/rdf/repair)
    dropped: list[dict] | None = None  # statements about shared vocabulary IRIs (ownership)


@dataclass
class RunReport:
    source: str
    url: str
    publisher: str
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    started: str = field(default_factory=now)
    ended: str | None = None
    status: str = "running"
    pages: int = 0
    total_items: int | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    items: list[Item] = field(default_factory=list)  # every outcome but "unchanged"
    unlisted: int = 0  # items beyond MAX_LISTED of their outcome (counted, not listed)
    errors: list[dict[str, Any]] = field(default_factory=list)  # run-level (pages)

    def add(self, item: Item) -> None:
        self.counts[item.outcome] = self.counts.get(item.outcome, 0) + 1
        if item.outcome == "unchanged":
            return
        if self.counts[item.outcome] > MAX_LISTED:
            self.unlisted += 1
            return
        self.items.append(item)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunReport:
        items = [Item(**i) for i in data.get("items", [])]
        return cls(**{**data, "items": items})

    def summary_line(self) -> str:
        c = self.counts
        return (f"créés/created={c['created']} mis à jour/updated={c['updated']} "
                f"inchangés/unchanged={c['unchanged']} "
                f"en quarantaine/quarantined={c.get('quarantined', 0)} "
                f"retirés/withdrawn={c['withdrawn']} "
                f"absents/missing={c['missing']} échecs/failed={c['failed']}")

    def render(self) -> str:
        """The report as a curator reads it on a terminal."""
        fr, en = STATUS_LABELS.get(self.status, (self.status, self.status))
        lines = [f"Moisson / harvest {self.run} — source {self.source} ({self.url})",
                 f"  éditeur / publisher: {self.publisher}; début / started {self.started}; "
                 f"fin / ended {self.ended or '-'}; pages: {self.pages}",
                 f"  état : {fr} / status: {en}", f"  {self.summary_line()}"]
        for err in self.errors:
            lines.append(f"  ! {err.get('detail_fr')}\n    {err.get('detail_en')}")
        if self.unlisted:
            lines.append(f"  (+ {self.unlisted} non listés / not listed)")
        for item in self.items:
            line = f"  [{item.outcome}] {item.key}"
            if item.record_id:
                line += f" → {item.record_id}"
            if item.violations:
                line += f" (pris avec {item.violations} erreur(s) / taken with violations)"
            lines.append(line)
            if item.detail_fr:
                lines.append(f"      fr: {item.detail_fr}\n      en: {item.detail_en}")
            for result in (item.results or [])[:10]:
                message = result.get("message", {})
                value = f" « {result['value']} »" if result.get("value") else ""
                lines.append(f"      - {message.get('fr')} / {message.get('en')} "
                             f"[{result.get('path')}]{value}")
            if item.repairs:
                lines.append(f"      réparations / repairs: {len(item.repairs)}")
                lines.extend(repair_lines(item.repairs))
        return "\n".join(lines)


def _source_node(source_id: str) -> str:
    return SOURCE_PREFIX + source_id


def save(store: Store, report: RunReport) -> None:
    store.apply([put(report)])


def put(report: RunReport) -> PutSubject:
    """The change that stores the report (replacing its previous state)."""
    node = URIRef(RUN_PREFIX + report.run)
    triples = [
        (node, RDF.type, SOCLE.HarvestRun),
        (node, SOCLE.localId, Literal(report.run)),
        (node, SOCLE.source, URIRef(_source_node(report.source))),
        (node, SOCLE.publisherId, Literal(report.publisher)),
        (node, PROV.startedAtTime, Literal(report.started, datatype=XSD.dateTime)),
        (node, SOCLE.status, Literal(report.status)),
        (node, SOCLE.report, Literal(json.dumps(report.to_dict(), ensure_ascii=False),
                                     datatype=RDF_JSON)),
    ]
    if report.ended:
        triples.append((node, PROV.endedAtTime, Literal(report.ended, datatype=XSD.dateTime)))
    return PutSubject(HARVEST_GRAPH, str(node), triples)


def runs(store: Store, *, source: str | None = None, publisher: str | None = None,
         run: str | None = None, limit: int = 20) -> list[RunReport]:
    """Past runs, newest first."""
    where = []
    if source:
        where.append(f"FILTER(?src = <{_source_node(source)}>)")
    if publisher:
        where.append(f"FILTER(?pub = {Literal(publisher).n3()})")
    if run:
        where.insert(0, f"VALUES ?id {{ {Literal(run).n3()} }}")
    rows = store.select(f"""PREFIX socle: <{SOCLE}> PREFIX prov: <{PROV}>
      SELECT ?report WHERE {{ GRAPH <{HARVEST_GRAPH}> {{
        ?r a socle:HarvestRun ; socle:localId ?id ; socle:source ?src ; socle:publisherId ?pub ;
           prov:startedAtTime ?at ; socle:report ?report . {' '.join(where)} }} }}
      ORDER BY DESC(?at) LIMIT {int(limit)}""")
    return [RunReport.from_dict(json.loads(str(r["report"]))) for r in rows]


def prune(store: Store, source: str, keep: int = KEEP_RUNS) -> None:
    """Forget all but the newest `keep` runs of a source."""
    old = store.select(f"""PREFIX socle: <{SOCLE}> PREFIX prov: <{PROV}>
      SELECT ?r WHERE {{ GRAPH <{HARVEST_GRAPH}> {{
        ?r a socle:HarvestRun ; socle:source <{_source_node(source)}> ;
           prov:startedAtTime ?at }} }} ORDER BY DESC(?at) OFFSET {int(keep)}""")
    if old:
        store.apply([PutSubject(HARVEST_GRAPH, str(r["r"])) for r in old])
