"""The feed benchmark still runs end to end, and its generated catalogue is what the service
would have stored (tiny n; no timing is asserted)."""

from __future__ import annotations

import json
import random

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.compare import isomorphic

from bench import feed as bench
from bench import gen_catalogue as gen
from service.app import create_app
from service.catalog import bookkeeping
from service.catalog.publishers import Publisher, add_publisher, publisher_triples
from service.config import Settings
from service.rdf.formats import TURTLE
from service.rdf.parse import parse_rdf, term_to_rdflib


def _quads(lines: list[str]) -> set[ox.Quad]:
    return set(ox.parse("\n".join(lines), format=ox.RdfFormat.N_QUADS))


def _stored(lines: list[str]) -> set[ox.Quad]:
    """As Oxigraph stores them (dateTimes by value: "….930Z" and "…+00:00" read as "….93Z")."""
    store = ox.Store()
    store.extend(_quads(lines))
    return set(store)


def _unskolem(triples, prefix: str) -> Graph:
    """Skolem IRIs back to blank nodes: names differ, the graph must not."""
    def term(t):
        return BNode(t.split("#", 1)[1]) if isinstance(t, URIRef) and t.startswith(prefix) \
            else t
    g = Graph()
    for s, p, o in triples:
        g.add((term(s), p, term(o)))
    return g


def test_generated_records_are_what_the_write_path_stores(tmp_path):
    app = create_app(Settings(data=str(tmp_path / "data"), base_url=gen.BASE))
    svc = app.extensions["socle"]
    try:
        pubs = gen.publishers(3)
        for pub in pubs:
            add_publisher(svc.store, gen.BASE, pub.id, pub.name, pub.siren)
        rng = random.Random(7)
        for i in range(6):
            rec = gen.make_record(i, 6, pubs, rng)
            result = svc.records.create(rec.publisher.id,
                                        parse_rdf(gen.record_turtle(rec).encode(), TURTLE))
            assert result.meta.id == rec.id and result.meta.iri == rec.iri
            assert result.report["violations"] == 0
            # Same results as the generated stand-in report (order aside).
            expected = gen._validation(rec.iri, rec.statements, f"{rec.iri}#",
                                       rec.publisher.iri)
            assert result.report["warnings"] == expected["warnings"]
            assert len(result.report["results"]) == len(expected["results"])
            assert {(r["path"], r["severity"]) for r in result.report["results"]} == \
                {(r["path"], r["severity"]) for r in expected["results"]}
            # Through an Oxigraph store, as bulk_load does.
            generated = [q.triple for q in _stored(gen.record_lines(rec))
                         if q.graph_name.value == rec.iri]
            prefix = f"{rec.iri}#"
            ours = _unskolem([(term_to_rdflib(t.subject), term_to_rdflib(t.predicate),
                               term_to_rdflib(t.object)) for t in generated], prefix)
            stored = _unskolem(svc.store.graph(rec.iri), prefix)
            assert len(ours) == len(stored)
            assert isomorphic(ours, stored)
    finally:
        svc.store.close()


def test_bookkeeping_and_publisher_lines_match_the_service():
    pubs = gen.publishers(2)
    rec = gen.make_record(5, 10, pubs, random.Random(1))
    lines = gen.bookkeeping_lines(rec)
    parsed = {q.predicate.value: q.object for q in _quads(lines)}
    meta = bookkeeping.RecordMeta(
        rec.id, rec.iri, rec.publisher.id, rec.issued, rec.modified,
        parsed[f"{gen.SOCLE}contentHash"].value,
        json.loads(parsed[f"{gen.SOCLE}validation"].value))
    change = bookkeeping.bookkeeping_change(gen.BASE, meta, rec.publisher.iri)
    expected = [f"{s} {p} {o} <{change.graph}> ." for s, p, o in change.triples]
    assert _stored(lines) == _stored(expected)

    pub = rec.publisher
    triples = publisher_triples(Publisher(pub.id, pub.name, pub.siren, pub.iri))
    expected = [f"{s.n3()} {p.n3()} {o.n3()} <{gen.RECORDS_GRAPH}> ." for s, p, o in triples]
    got = [line.replace(f"<{rec.iri}> .", f"<{gen.RECORDS_GRAPH}> .")
           for line in gen.publisher_lines(pub, rec.iri)]
    assert _stored(got) == _stored(expected)


def test_bench_feed_smoke(tmp_path, capsys):
    out = tmp_path / "feed.json"
    assert bench.main(["--n", "300", "--generator", "socle", "--store", str(tmp_path / "store"),
                       "--repeats", "2",
                       "--baseline-repeats", "1", "--rss-every", "1", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["store"]["quads"] > 300 * 40
    for where in ("inprocess", "http"):
        r = result[where]
        assert r["health_records"] == 300
        assert set(r["pages"]) == {"first", "middle", "last"}
        assert r["harvest"]["pages"] == 3 and r["harvest"]["distinct"] == 300
        assert len(r["harvest"]["rss_mb"]) == 4
    assert result["inprocess"]["index_entries"] == 300
    assert result["inprocess"]["baseline"]["pages"]["last"]["triples"] > 0
    assert "inprocess_middle_baseline_over_feed_p50" in result["ratios"]
    assert "full harvest" in capsys.readouterr().out
