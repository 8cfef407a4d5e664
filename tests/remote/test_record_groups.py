"""A bulk batch sent to an external store is cut between records, never inside one."""

from __future__ import annotations

from service.store.base import DropGraph, PutGraph, PutSubject
from service.store.sparql import _record_groups


def _record(i: int) -> list:
    return [PutGraph(f"http://x/{i}", []), PutSubject("urn:socle:graph:records", f"r{i}")]


def test_batches_are_cut_between_records():
    changes = [c for i in range(70) for c in _record(i)]
    parts = _record_groups(changes, 32)
    assert [len(p) for p in parts] == [64, 64, 12]
    for part in parts:  # every request starts with a record's graph and keeps its bookkeeping
        assert isinstance(part[0], PutGraph)
        assert all(isinstance(a, PutGraph) == isinstance(b, PutSubject)
                   for a, b in zip(part[::2], part[1::2], strict=True))
    assert [c for p in parts for c in p] == changes


def test_small_or_graphless_lists_are_one_request():
    delete = [DropGraph("http://x/1"), PutSubject("urn:socle:graph:records", "r1")]
    assert _record_groups(delete, 32) == [delete]
    subjects = [PutSubject("urn:socle:graph:harvest", f"s{i}") for i in range(100)]
    assert _record_groups(subjects, 32) == [subjects]
    assert _record_groups([], 32) == [[]]
