"""Issue 15 item 6 / 17: an import's progress moves per record prepared, not per written
batch, and its estimate holds on that pace."""

from __future__ import annotations

import pytest
from rdflib import Graph

from service.catalog.pool import CHUNK
from service.cli.progress import Estimator
from service.ingest.rdf_import import import_records
from service.rdf.records import split_catalogue
from tests.cli.conftest import catalogue


@pytest.mark.parametrize("workers", [1, 2])
def test_advance_is_told_per_record_before_the_batch_is_written(svc, publisher, workers):
    n = 20
    records = split_catalogue(Graph().parse(data=catalogue(n), format="turtle"))
    events: list[tuple[str, int]] = []
    report = import_records(svc.records, publisher.id, records, batch_size=1024,
                            workers=workers, progress=lambda item: events.append(("item", 1)),
                            advance=lambda k: events.append(("advance", k)))
    assert report.summary()["created"] == n
    advances = [k for kind, k in events if kind == "advance"]
    assert sum(advances) == n
    assert max(advances) == (1 if workers == 1 else CHUNK)
    # All twenty are one batch: every record's advance comes before its written item.
    assert [kind for kind, _ in events] == ["advance"] * len(advances) + ["item"] * n


@pytest.mark.parametrize("rate,startup,write,batch", [
    (300.0, 2.0, 0.8, 1024),   # two workers, 16-record tasks, a write pause per batch
    (60.0, 0.5, 0.3, 1024),    # one process, record by record
    (150.0, 5.0, 2.0, 256),    # slow start, small batches, long writes
])
def test_estimate_on_a_per_record_pace(rate, startup, write, batch):
    """A deterministic import: records prepared at ``rate`` per second (in tasks of CHUNK,
    each task's records told at once), every ``batch`` records a write pause with nothing
    told; after 10 % the estimate is within 2x of the real remaining time until that time is
    down to two write pauses (the last batch's write follows its last record, which the
    estimate cannot see coming: the bar is full during that one pause)."""
    total = 20 * batch
    times: list[float] = []
    now = startup
    for done in range(CHUNK, total + 1, CHUNK):
        now += CHUNK / rate
        times.append(now)
        if done % batch == 0:
            now += write
    end = now
    est = Estimator(total, 0.0)
    checked = 0
    for at in times:
        est.advance(at, CHUNK)
        for probe in (at + 1e-3, at + CHUNK / rate / 2):
            if est.done >= total * 0.1 and probe < end - 2 * write:
                left, real = est.remaining(probe), end - probe
                assert left is not None and real / 2 <= left <= real * 2, (probe, left, real)
                checked += 1
    assert checked > len(times) // 2
