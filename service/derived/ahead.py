"""The derived store's rows of a record made where the record is prepared: in an import's
worker processes (catalog/pool.py) or, without workers, in the writing process before its
store transaction.

Why: the importing process's main thread bounded a `socle import --workers 2` of a few
thousand generated datasets (at 20,000 both cores are full either way: docs/benchmarks.md,
"Eleventh round"), and half of it was the derived store's rows: reading each written graph back as
the store keeps it (`Store.as_stored`: parsing its text again), shaping its profiled output,
making its search document. The workers hold the record's terms already, so they give them
the store's literal forms (`Store.stored_form`), print the record's text as a rebuild would
(source.record_of) and run each index's `prepare`, which reads only the record's id, IRI and
graph (protocol.py); the writer adds the bookkeeping (stamps, publisher, hash) it decides at
commit, and each index writes what was prepared (`DerivedStore.written`). The rows are the
ones a write read back gives: tests/derived/test_ahead.py compares them with a rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import pyoxigraph as ox

from service.derived.protocol import Record
from service.derived.source import prepares, record_of

AHEAD = "derived"  # the name of an `Ahead` among a prepared record's extracted results


@dataclass(frozen=True)
class Ahead:
    """A record's derived rows made before its write, without its bookkeeping."""

    text: str  # its graph as stored, N-Triples lines in a rebuild's order
    themes: tuple[str, ...]
    keywords: tuple[str, ...]
    prepared: dict[str, Any]  # index name -> what its `prepare` made of the record


def extractor(indexes: Sequence[Any], stored_form: Callable[..., list[ox.Triple]] | None
              ) -> tuple[str, Callable[[list[Any], str, str], Ahead]] | None:
    """The writer's extractor (catalog/prepare.Extractor) making an `Ahead`, or None when
    the store cannot give its literal forms without a read (its rows are then made from the
    graphs read back, after the write)."""
    if stored_form is None:
        return None
    return AHEAD, partial(ahead_of, tuple(i for i in indexes if prepares(i)), stored_form)


def ahead_of(indexes: Sequence[Any], stored_form: Callable[..., list[ox.Triple]],
             native: list[Any], iri: str, record_id: str) -> Ahead:
    triples = stored_form([ox.Triple(s, p, o) for s, p, o in native])
    record = record_of({"id": record_id, "iri": iri, "pub": "", "issued": "", "modified": "",
                        "hash": ""}, triples)
    return Ahead(record.text, record.themes, record.keywords,
                 {index.name: index.prepare([record])[0] for index in indexes})


def records_ahead(metas: Sequence[Any], aheads: Sequence[Ahead]
                  ) -> tuple[list[Record], dict[str, list[Any]]]:
    """The records (their bookkeeping from ``metas``, the writer's RecordMeta) and each
    index's prepared items, in order."""
    records = [Record(m.id, m.iri, m.publisher, m.issued, m.modified, m.content_hash,
                      a.themes, a.keywords, a.text) for m, a in zip(metas, aheads, strict=True)]
    names = aheads[0].prepared if aheads else {}
    return records, {name: [a.prepared[name] for a in aheads] for name in names}
