"""Revalidate every stored record (after a shapes or vocabulary change) and keep the stored
validation reports current.

Why a module of its own: a shapes change can make yesterday's valid records invalid (or the
other way round); curators see the stored report on their pages and harvesters see its
warning count, so both must follow the shapes without rewriting the records themselves. Only
the validation report and warning count of a record's bookkeeping change (``dct:modified``
stays: the record's content did not change). Records are read in batches straight from the
store (``Store.triples``) and checked by the validator the service uses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal

from service.catalog.bookkeeping import RDF_JSON, record_node
from service.rdf.namespaces import FOAF, RECORDS_GRAPH, SOCLE, XSD
from service.rdf.parse import TermCache, term_to_rdflib
from service.store import Store
from service.store.base import Triple, nt

BATCH = 500
_BYTE_SIZE = "http://www.w3.org/ns/dcat#byteSize"
_INTEGER = str(XSD.integer)


@dataclass
class RecordCheck:
    id: str
    iri: str
    publisher: str
    report: dict[str, Any]
    changed: bool


@dataclass
class Revalidation:
    checked: int = 0
    conforming: int = 0
    changed: int = 0
    warnings: int = 0
    failures: list[RecordCheck] = field(default_factory=list)

    @property
    def violating(self) -> int:
        return len(self.failures)

    def summary(self) -> dict[str, int]:
        return {"checked": self.checked, "conforming": self.conforming,
                "violating": self.violating, "with_warnings": self.warnings,
                "reports_changed": self.changed}

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(),
                "failures": [{"id": f.id, "iri": f.iri, "publisher": f.publisher,
                              "violations": f.report["violations"],
                              "results": [r for r in f.report["results"]
                                          if r["severity"] == "Violation"]}
                             for f in self.failures]}


def _records(store: Store) -> list[tuple[str, str, str, str]]:
    """(id, iri, publisher id, stored validation JSON) of every record, by id."""
    rows = store.select(f"""PREFIX socle: <{SOCLE}> PREFIX foaf: <{FOAF}>
        SELECT ?id ?iri ?pub ?validation WHERE {{ GRAPH <{RECORDS_GRAPH}> {{
          ?rec socle:localId ?id ; foaf:primaryTopic ?iri ; socle:publisherId ?pub ;
               socle:validation ?validation }} }}""")
    return sorted((str(r["id"]), str(r["iri"]), str(r["pub"]), str(r["validation"]))
                  for r in rows)


_to_rdflib = TermCache(term_to_rdflib)


def _graph(store: Store, iri: str) -> list[Triple]:
    """The record as written (byteSize read back as xsd:integer is put back, as
    RecordService.graph does), as rdflib-term triples."""
    out: list[Triple] = []
    for t in store.triples([iri]):
        s, p, o = _to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)
        if (t.predicate.value == _BYTE_SIZE and isinstance(o, Literal)
                and str(o.datatype) == _INTEGER):
            o = Literal(str(o), datatype=XSD.nonNegativeInteger)
        out.append((s, p, o))
    return out


def _validate(validator: Any, triples: list[Triple]) -> Any:
    from service.catalog.prepare import validate_triples

    return validate_triples(validator, triples)


def revalidate_all(store: Store, validator: Any, base_url: str,
                   progress: Callable[[RecordCheck], None] | None = None,
                   batch: int = BATCH) -> Revalidation:
    """Validate every record, store the reports that changed (one update per batch)."""
    result = Revalidation()
    records = _records(store)
    for start in range(0, len(records), batch):
        updates = []
        for record_id, iri, publisher, stored in records[start:start + batch]:
            report = _validate(validator, _graph(store, iri)).to_dict()
            changed = json.loads(stored) != report
            check = RecordCheck(record_id, iri, publisher, report, changed)
            result.checked += 1
            result.conforming += bool(report["conforms"])
            result.warnings += bool(report["warnings"])
            if not report["conforms"]:
                result.failures.append(check)
            if changed:
                result.changed += 1
                updates.append(check)
            if progress:
                progress(check)
        if updates:
            store.update(" ;\n".join(_update(base_url, c) for c in updates))
    return result


def _update(base_url: str, check: RecordCheck) -> str:
    rec = f"<{record_node(base_url, check.id)}>"
    graph = f"<{RECORDS_GRAPH}>"
    report = Literal(json.dumps(check.report, ensure_ascii=False), datatype=RDF_JSON)
    warnings = Literal(int(check.report.get("warnings", 0)))
    return (f"DELETE WHERE {{ GRAPH {graph} {{ {rec} <{SOCLE}validation> ?v }} }} ;\n"
            f"DELETE WHERE {{ GRAPH {graph} {{ {rec} <{SOCLE}warnings> ?w }} }} ;\n"
            f"INSERT DATA {{ GRAPH {graph} {{ {rec} <{SOCLE}validation> {nt(report)} ; "
            f"<{SOCLE}warnings> {nt(warnings)} }} }}")


def failure_lines(result: Revalidation, limit: int = 10) -> Iterator[str]:
    """Per-record failures for a curator: French, then English."""
    for f in result.failures:
        yield (f"ÉCHEC / FAILED {f.id} <{f.iri}> ({f.publisher}) : "
               f"{f.report['violations']} erreur(s) / violation(s)")
        shown = [r for r in f.report["results"] if r["severity"] == "Violation"][:limit]
        for r in shown:
            yield (f"    - {r['message']['fr']} / {r['message']['en']} "
                   f"[{r.get('focus')} {r.get('path') or ''}]")

