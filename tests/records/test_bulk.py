"""The bulk path (RecordService.upsert_many, used by every import) gives exactly what one
`upsert` per record gives: same outcomes, same errors, same stored graphs and bookkeeping,
same observer notifications — including the awkward cases a batch could get wrong (the same
dataset twice in one batch, a dataset describing another record, someone else's record)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from service.app import build_services
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.derived.registry import rebuilt_snapshot
from service.errors import SocleError
from service.ingest.rdf_import import import_graph, import_records
from service.ingest.stream import StoredDocument, syntax_for_path
from service.rdf.formats import TURTLE
from service.rdf.namespaces import QUALITY_GRAPH_PREFIX
from service.rdf.parse import parse_rdf
from service.rdf.records import split_catalogue
from tests.conftest import BASE, VALID_TTL
from tests.records.ownership_cases import P1_ID, catalogue, p1_record

PREFIXES = VALID_TTL.split("[] a dcat:Dataset", 1)[0]
BODY = "[] a dcat:Dataset" + VALID_TTL.split("[] a dcat:Dataset", 1)[1]


def blank(ident: str, title: str | None = None, *, describes: str | None = None) -> str:
    """VALID_TTL's dataset with this identifier and title (None: no title, a violation);
    ``describes``: it also links to, and says something about, that IRI."""
    body = BODY.replace('"deliberations-montfort"', f'"{ident}"')
    if title is None:
        body = body.replace('  dct:title "Délibérations du conseil municipal"@fr ;\n', "")
    else:
        body = body.replace("Délibérations du conseil municipal", title)
    if describes:
        body = body.replace("  dct:identifier", f"  dct:relation <{describes}> ;\n"
                            "  dct:identifier", 1)
        body += f'<{describes}> dct:title "détourné"@fr .\n'
    return body


def named(iri: str, ident: str, title: str = "Jeu nommé") -> str:
    return blank(ident, title).replace("[] a dcat:Dataset", f"<{iri}> a dcat:Dataset", 1)


def document(parts: list[str]) -> str:
    return PREFIXES + "\n".join(parts)


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def record_written(self, meta, themes, keywords) -> None:
        self.events.append(("w", meta.id, meta.iri, sorted(themes), sorted(keywords)))

    def record_deleted(self, record_id: str) -> None:
        self.events.append(("d", record_id))


def services(tmp_path: Path, name: str):
    svc = build_services(Settings(data=str(tmp_path / name), base_url=BASE))
    add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")
    add_publisher(svc.store, BASE, "iffendic", "Commune d'Iffendic", "213501338")
    recorder = Recorder()
    svc.records.observers.append(recorder)
    return svc, recorder


def outcome(result) -> tuple:
    if isinstance(result, SocleError):
        problem = result.to_problem()
        return ("failed", problem["status"], problem["detail"])
    return (result.outcome, result.meta.id, result.meta.iri, result.meta.content_hash,
            result.report["violations"], result.report["warnings"])


def sequential(svc, publisher: str, graph) -> list[tuple]:
    out = []
    for extracted in split_catalogue(graph):
        try:
            out.append(outcome(svc.records.upsert(publisher, extracted)))
        except SocleError as err:
            out.append(outcome(err))
    return out


def bulk(svc, publisher: str, graph, batch_size: int, workers: int = 1) -> list[tuple]:
    records = split_catalogue(graph)
    return [outcome(r) for r in svc.records.upsert_many(publisher, records, batch_size,
                                                        workers)]


def content(svc) -> list[str]:
    """Every quad, bookkeeping timestamps blanked (two runs never share a millisecond); the
    score history left out (a throttled daily summary: quality/keeper.py SNAPSHOT_EVERY)."""
    out = io.BytesIO()
    svc.store.dump(out)
    stamp = re.compile(r'"\d{4}-\d\d-\d\dT[\d:.]+Z?"\^\^<http://www.w3.org/2001/XMLSchema#dateTime>'
                       r' <urn:socle:graph:records>')
    return sorted(stamp.sub("STAMP", line) for line in out.getvalue().decode().splitlines()
                  if "urn:socle:graph:auth" not in line
                  and "urn:socle:graph:quality-history" not in line)


ROUNDS = [
    # (publisher, document): applied in order to both stores
    ("iffendic", document([named(f"{BASE}/datasets/theirs", "theirs", "À Iffendic")])),
    ("montfort", document([
        blank("jeu-a", "Jeu A"),
        blank("jeu-b", "Jeu B"),
        blank("jeu-a", "Jeu A, redit plus loin dans le même document"),
        blank("sans-titre", None),
        named("https://data.example.fr/ds/1", "ds-1"),
        named(f"{BASE}/datasets/theirs", "theirs", "Repris par Montfort"),
        blank("bavard", "Jeu bavard", describes=f"{BASE}/datasets/jeu-b"),
        blank("bavard-2", "Jeu bavard", describes="https://data.example.fr/ds/1"),
        blank("jeu-b", "Jeu B"),
    ])),
    ("montfort", document([
        blank("jeu-a", "Jeu A, redit plus loin dans le même document"),
        blank("jeu-b", "Jeu B modifié"),
        named("https://data.example.fr/ds/1", "ds-1-renomme"),
        blank("jeu-c", "Jeu C"),
    ])),
    # IRI ownership (issue 21): iffendic's takeover attempts after montfort's record.
    ("montfort", p1_record()),
    ("iffendic", catalogue(f"{BASE}/datasets/{P1_ID}#x")),
    # An outside node shared by records of several batches (BatchWriter.write keeps what it
    # found of other publishers across batches): iffendic's stays iffendic's in every batch,
    # montfort's own is montfort's in every batch.
    ("iffendic", document([blank("iffendic-1", "Jeu", describes="https://org.example/iffendic")])),
    ("montfort", document([
        *(blank(f"partage-{i}", f"Jeu {i}", describes="https://org.example/montfort")
          for i in range(5)),
        *(blank(f"pris-{i}", f"Jeu {i}", describes="https://org.example/iffendic")
          for i in range(3)),
        blank("partage-5", "Jeu 5", describes="https://org.example/montfort"),
    ])),
    ("iffendic", document([blank("iffendic-2", "Jeu", describes="https://org.example/montfort")])),
]


# On an external store the writes are the same whatever the batch size or the workers: two
# of the shapes run there (CI time), all of them on the embedded store.
SAME_ON_REMOTE = pytest.mark.embedded_only("the store's side runs with the other shapes")


@pytest.mark.parametrize(("batch_size", "workers"), [
    pytest.param(1, 1, marks=SAME_ON_REMOTE), (3, 1), pytest.param(256, 1, marks=SAME_ON_REMOTE),
    (2, 2)])
def test_bulk_equals_one_upsert_per_record(tmp_path: Path, batch_size: int, workers: int):
    """workers=2: validation in two processes, batches pipelined (lookups of batch k+1
    before the writes of batch k)."""
    seq, seq_events = services(tmp_path, "seq")
    blk, blk_events = services(tmp_path, "bulk")
    try:
        seen = set()
        for publisher, doc in ROUNDS:
            graph = parse_rdf(doc.encode(), TURTLE)  # once: blank node labels set the order
            expected = sequential(seq, publisher, graph)
            assert bulk(blk, publisher, graph, batch_size, workers) == expected
            seen |= {e[0] for e in expected}
        assert seen == {"created", "updated", "unchanged", "failed"}
        assert content(seq) == content(blk)
        assert seq_events.events == blk_events.events and seq_events.events
    finally:
        seq.store.close()
        blk.store.close()


def test_bulk_mints_an_id_without_a_slug(tmp_path: Path):
    svc, _ = services(tmp_path, "one")
    try:
        doc = document([blank("avec espaces", "Pas de slug")])
        [result] = bulk(svc, "montfort", parse_rdf(doc.encode(), TURTLE), 8)
        assert result[0] == "created" and re.fullmatch(r"[0-9a-f]{12}", result[1])
        assert result[2] == f"{BASE}/datasets/{result[1]}"
    finally:
        svc.store.close()


@pytest.mark.parametrize(("on_disk", "workers"), [
    (False, 1), pytest.param(True, 1, marks=SAME_ON_REMOTE),
    pytest.param(False, 2, marks=SAME_ON_REMOTE), (True, 2)])
@pytest.mark.parametrize("suffix", ["ttl", "nt", "nq"])
def test_streamed_document_imports_like_the_parsed_graph(tmp_path: Path, on_disk: bool,
                                                         workers: int, suffix: str):
    """workers=2 on disk: the workers cut records from the scratch store themselves (opened
    read-only); in memory, the records are sent to them as N-Triples text."""
    # Typed literals Oxigraph would store by value (xsd:integer, "…Z"): kept as written.
    typed = ('  dct:modified "2024-03-01T10:00:00+00:00"^^xsd:dateTime ;\n'
             '  dct:identifier')
    doc = document([blank(f"jeu-{i}", f"Jeu {i}").replace("  dct:identifier", typed, 1)
                    .replace("dcat:downloadURL", 'dcat:byteSize "05312"^^xsd:nonNegativeInteger'
                             " ;\n    dcat:downloadURL", 1)
                    for i in range(7)] + [blank("x", None)])
    if "@prefix xsd:" not in doc:
        doc = "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + doc
    graph = parse_rdf(doc.encode(), TURTLE)
    assert '"05312"' in graph.serialize(format="nt")
    path = tmp_path / f"cat.{suffix}"
    if suffix == "nq":  # records spread over two named graphs, as a dump would have them
        lines = graph.serialize(format="nt").splitlines()
        path.write_text("\n".join(f"{line[:-1]} <urn:g:{k % 2}> ." for k, line in
                                  enumerate(x for x in lines if x.strip())) + "\n")
    else:
        path.write_text(graph.serialize(format="turtle" if suffix == "ttl" else "nt"))
    ref, _ = services(tmp_path, "ref")
    got, _ = services(tmp_path, "got")
    try:
        expected = import_graph(ref.records, "montfort", graph).to_dict()
        with StoredDocument(syntax_for_path(path.name), path=path, on_disk=on_disk) as stored:
            assert len(stored) == 8
            report = import_records(got.records, "montfort", stored.records(), batch_size=3,
                                    workers=workers)
        assert report.to_dict()["summary"] == expected["summary"] == {
            "created": 7, "updated": 0, "unchanged": 0, "failed": 1}
        assert content(ref) == content(got)
        # the derived store took the written graphs with the store's literal forms
        assert got.derived.snapshot() == rebuilt_snapshot(got.store)
    finally:
        ref.store.close()
        got.store.close()


def test_write_policy_is_a_parameter_of_both_paths(tmp_path: Path):
    """publish: a record with violations is stored with its (truthful) report, by a single
    write and by a batch alike; quarantine keeps it non-public (not in the store) by both;
    strict refuses it; no other policy is accepted."""
    graph = parse_rdf(document([blank("sans-titre", None)]).encode(), TURTLE)
    seq, _ = services(tmp_path, "seq")
    blk, _ = services(tmp_path, "bulk")
    try:
        [extracted] = split_catalogue(graph)
        with pytest.raises(SocleError):
            seq.records.upsert("montfort", extracted)
        kept = seq.records.upsert("montfort", extracted, "quarantine")
        [held] = blk.records.upsert_many("montfort", split_catalogue(graph),
                                         policy="quarantine")
        assert kept.status == held.status == "quarantine"
        assert content(seq) == content(blk)
        single = seq.records.upsert("montfort", extracted, "publish")
        [batch] = blk.records.upsert_many("montfort", split_catalogue(graph), policy="publish")
        assert outcome(single) == outcome(batch) and single.outcome == "updated"
        for report in (single.report, batch.report):
            assert report["conforms"] is False and report["accepted_with_violations"] is True
        assert content(seq) == content(blk)
        assert seq.records.list_private("montfort")[0] == 0  # published: no longer private
        with pytest.raises(ValueError, match="lenient"):
            list(blk.records.upsert_many("montfort", split_catalogue(graph),
                                         policy="lenient"))
    finally:
        seq.store.close()
        blk.store.close()


@pytest.mark.embedded_only("an external store has other writers: asked per batch there")
def test_an_outside_node_is_looked_up_once_per_import(tmp_path: Path):
    """Who describes a node the records share is asked once per (locked) import, not once per
    batch: asking meant reading every record already written that describes it."""
    svc, _ = services(tmp_path, "once")
    shared = "https://org.example/montfort"
    asked: list[str] = []
    select = svc.store.select

    def counting(sparql: str):
        if f"<{shared}>" in sparql and "GRAPH ?g { ?s ?p ?o }" in sparql:  # described_by
            asked.append(sparql)
        return select(sparql)

    svc.store.select = counting  # type: ignore[method-assign]
    try:
        doc = document([blank(f"partage-{i}", f"Jeu {i}", describes=shared) for i in range(6)])
        results = bulk(svc, "montfort", parse_rdf(doc.encode(), TURTLE), 2, workers=2)
        assert [r[0] for r in results] == ["created"] * 6
        assert len(asked) == 1
    finally:
        svc.store.close()


@pytest.mark.parametrize("n", [3, 20])  # below and above commit.BULK_LOAD_MIN
def test_a_batch_and_its_new_scores_are_one_store_transaction(tmp_path: Path, n: int):
    """A bulk write's new quality scores (DQV graphs) go in the records' own transaction: on
    the embedded store, one load for both instead of two (each adds files RocksDB compacts
    later). The stored scores equal those of one upsert per record."""
    seq, _ = services(tmp_path, "seq")
    blk, _ = services(tmp_path, "bulk")
    calls: list[list] = []
    apply = blk.store.apply

    def recording(changes):
        calls.append(list(changes))
        return apply(changes)

    blk.store.apply = recording  # type: ignore[method-assign]
    try:
        graph = parse_rdf(document([blank(f"jeu-{i}", f"Jeu {i}") for i in range(n)]).encode(),
                          TURTLE)
        sequential(seq, "montfort", graph)
        assert [r[0] for r in bulk(blk, "montfort", graph, 1024)] == ["created"] * n
        with_records = [c for c in calls if any(getattr(x, "name", "").startswith(
            f"{BASE}/datasets/") for x in c)]
        assert len(with_records) == 1
        names = {getattr(x, "name", "") for x in with_records[0]}
        assert sum(name.startswith(QUALITY_GRAPH_PREFIX) for name in names) == n
        assert not any(getattr(x, "name", "").startswith(QUALITY_GRAPH_PREFIX)
                       for c in calls if c is not with_records[0] for x in c)
        assert content(seq) == content(blk)
    finally:
        seq.store.close()
        blk.store.close()


def test_a_scoring_error_leaves_the_batch_written_without_scores(tmp_path: Path, monkeypatch,
                                                                  caplog):
    from service.quality.keeper import QualityKeeper

    def broken(self, written):
        raise RuntimeError("scoring broke")

    monkeypatch.setattr(QualityKeeper, "_scored", broken)
    svc, _ = services(tmp_path, "one")
    try:
        graph = parse_rdf(document([blank(f"jeu-{i}", f"Jeu {i}") for i in range(20)]).encode(),
                          TURTLE)
        assert [r[0] for r in bulk(svc, "montfort", graph, 1024)] == ["created"] * 20
        assert len(svc.records.graph(svc.records.meta("jeu-7"))) > 0
        assert not any(QUALITY_GRAPH_PREFIX in line and "jeu-" in line for line in content(svc))
        assert "scoring broke" in caplog.text
    finally:
        svc.store.close()
