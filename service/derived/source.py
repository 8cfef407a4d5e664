"""Records read back from the RDF store as `Record`s: for `socle reindex`, the repair at start
and other processes' writes. Bookkeeping facts in one query per chunk, graphs through
`Store.triples` (the backends' fastest read of whole graphs)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
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


class StoreSource:
    """The records of one store, as the derived store's indexes take them."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def count(self) -> int:
        for row in self.store.rows(_COUNT):
            return int(row["n"])
        return 0

    def all_records(self, chunk: int) -> Iterator[list[Record]]:
        facts = list(self.store.rows(_FACTS % ""))
        for start in range(0, len(facts), chunk):
            yield self._records(facts[start:start + chunk])

    def records(self, record_ids: Sequence[str]) -> list[Record]:
        values = " ".join(json.dumps(i) for i in record_ids)
        return self._records(list(self.store.rows(_FACTS % f"VALUES ?id {{ {values} }}")))

    def written(self, metas: Sequence[Any]) -> list[Record]:
        """The records just written (their RecordMeta), read back from the store: what the
        store keeps (its canonical literals), so a live index equals a rebuilt one."""
        return self._records([{"id": m.id, "iri": m.iri, "pub": m.publisher,
                               "issued": m.issued, "modified": m.modified,
                               "hash": m.content_hash} for m in metas])

    def _records(self, facts: list[dict[str, str]]) -> list[Record]:
        by_iri = {f["iri"]: f for f in facts}
        out: list[Record] = []
        for iri, triples in self.store.graphs(list(by_iri)):
            f = by_iri[iri]
            themes = tuple(t.object.value for t in triples
                           if t.predicate.value == THEME and t.subject.value == iri)
            keywords = tuple(t.object.value for t in triples
                             if t.predicate.value == KEYWORD and t.subject.value == iri)
            out.append(Record(f["id"], iri, f["pub"], f["issued"], f["modified"], f["hash"],
                              themes, keywords, "\n".join(f"{t} ." for t in triples),
                              triples=triples))
        return out
