"""Feed pages from the records' stored profile output (service/derived/profiled.py,
service/feed/assemble.py) against the pages the profile gives on the records' triples (the
path without it): equal as graphs, in every stored profile and syntax, on the demo catalogue
and on records of the shared generator; and the hooks the stored output relies on."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from service.app import create_app
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.derived import profiled
from service.derived.registry import rebuilt_snapshot
from service.feed import references
from service.feed.assemble import Stored, assemble
from service.feed.index import Filters
from service.rdf.formats import BY_NAME, BY_SUFFIX
from service.rdf.parse import parse_rdf
from service.rdf.profiles import PROFILES, SHAPES
from service.rdf.profiles.enrich import enrichment
from service.rdf.records import split_catalogue
from tests.conftest import BASE, SHARED

SUFFIXES = ("ttl", "nt", "jsonld", "rdf")
GENERATOR = SHARED / "generators" / "dcat_catalogue.py"


@pytest.fixture(scope="module", autouse=True)
def every_profile_stored():
    """The derived store of these apps keeps every profile with a shaping hook (the default
    keeps dcat-ap-3 only: profiled.STORED)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(profiled, "STORED", tuple(SHAPES))
        yield


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = create_app(Settings(data=str(tmp_path_factory.mktemp("demo") / "data"),
                              base_url=BASE, demo=True))
    yield app
    app.extensions["socle"].store.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """40 datasets of ../shared/generators/dcat_catalogue.py through the write path."""
    app = create_app(Settings(data=str(tmp_path_factory.mktemp("gen") / "data"),
                              base_url=BASE))
    svc = app.extensions["socle"]
    add_publisher(svc.store, BASE, "gen", "Producteur généré", "213501882")
    text = subprocess.run([sys.executable, str(GENERATOR), "--n", "40", "--seed", "11",
                           "--format", "nt"], capture_output=True, check=True).stdout
    records = split_catalogue(parse_rdf(text, BY_NAME["ntriples"]))
    written = [r for r in svc.records.upsert_many("gen", records) if hasattr(r, "meta")]
    assert len(written) >= 20
    yield app
    svc.store.close()


def _pages(app, profile: str, suffix: str, stored: bool) -> list[bytes]:
    """Every page of /catalog (7 records a page) as served, stored output used or not."""
    svc = app.extensions["socle"]
    index = svc.feed_index
    kept = index._stored
    index._stored = kept if stored else frozenset()
    try:
        client = app.test_client()
        total = index.page(profiled_filters(), 0, 1).total
        out = []
        for page in range(1, -(-total // 7) + 1):
            response = client.get(f"/catalog.{suffix}?page_size=7&page={page}"
                                  f"&profile={profile}")
            assert response.status_code == 200, response.data[:300]
            out.append(response.data)
        return out
    finally:
        index._stored = kept


def profiled_filters() -> Filters:
    return Filters()


@pytest.mark.parametrize("fixture", ["demo", "generated"])
@pytest.mark.parametrize("profile", sorted(SHAPES))
def test_pages_from_stored_output_equal_the_profiled_pages(request, fixture, profile):
    app = request.getfixturevalue(fixture)
    assert app.extensions["socle"].feed_index.stores(profile)
    for suffix in SUFFIXES:
        new = _pages(app, profile, suffix, stored=True)
        old = _pages(app, profile, suffix, stored=False)
        assert len(new) == len(old) >= 2
        for got, want in zip(new, old, strict=True):
            # parsed as harvesters parse them (rdflib): valid in this syntax, and the same graph
            g, w = parse_rdf(got, BY_SUFFIX[suffix]), parse_rdf(want, BY_SUFFIX[suffix])
            assert len(g) == len(w) and isomorphic(g, w), (profile, suffix)


@pytest.mark.parametrize("fixture", ["demo", "generated"])
def test_n_triples_page_has_no_duplicate_line(request, fixture):
    for body in _pages(request.getfixturevalue(fixture), "dcat-ap-3", "nt", stored=True):
        lines = [line for line in body.decode().split("\n") if line]
        assert len(lines) == len(set(lines))


@pytest.mark.parametrize("profile", sorted(SHAPES))
def test_a_profile_is_its_shaping_then_the_enrichment(demo, profile):
    svc = demo.extensions["socle"]
    text = "\n".join(e.text for e in svc.feed_index.page(profiled_filters(), 0, 50).entries)
    triples = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)]
    shaped = list(SHAPES[profile](triples))
    assert list(PROFILES[profile](triples)) == shaped + enrichment(shaped)


def test_described_links_are_the_references_ones():
    assert profiled.DESCRIBED_LINKS == references.DESCRIBED_LINKS


N = ox.NamedNode
SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
DCAT = "http://www.w3.org/ns/dcat#"


def _stored(triples: list[ox.Triple], iri: str) -> Stored:
    """A record's stored row for hand-made triples (dcat-ap-3), read for N-Triples."""
    text = "".join(f"{t} .\n" for t in triples)
    lines, _turtle, *rest = profiled.shaped([q.triple for q in ox.parse(
        text.encode(), format=ox.RdfFormat.N_TRIPLES)], "dcat-ap-3")
    return Stored(iri, *profiled.row(iri, lines, *rest), b"")


def test_assembly_does_what_only_the_whole_page_decides():
    """A theme one record labels itself is not labelled by the enrichment of another; a link
    to a record elsewhere in the feed stays, one to nothing becomes dct:relation; a record IRI
    another record types dcat:DataService is a service."""
    theme = N("http://publications.europa.eu/resource/authority/data-theme/AGRI")
    a, b, svc = N("https://x.test/a"), N("https://x.test/b"), N("https://x.test/api")
    rdf_type = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    first = [ox.Triple(a, rdf_type, N(f"{DCAT}Dataset")), ox.Triple(a, N(f"{DCAT}theme"), theme),
             ox.Triple(theme, N(SKOS_LABEL), ox.Literal("Agriculture (source)", language="fr"))]
    second = [ox.Triple(b, rdf_type, N(f"{DCAT}Dataset")), ox.Triple(b, N(f"{DCAT}theme"), theme),
              ox.Triple(svc, rdf_type, N(f"{DCAT}DataService")),
              ox.Triple(svc, N(f"{DCAT}servesDataset"), N("https://x.test/elsewhere")),
              ox.Triple(svc, N(f"{DCAT}servesDataset"), N("https://other.test/none"))]
    page = assemble([_stored(first, a.value), _stored(second, b.value)],
                    lambda iris: {"https://x.test/elsewhere"} & iris)
    got = {q.triple for q in ox.parse(page.ntriples(), format=ox.RdfFormat.N_TRIPLES)}
    want = set(PROFILES["dcat-ap-3"](first + second))
    want = set(references.relink_dangling(list(want), lambda iris: {"https://x.test/elsewhere"}
                                          & iris))
    assert got == want
    assert not [t for t in got if t.subject == theme and t.predicate == N(SKOS_LABEL)
                and t.object != ox.Literal("Agriculture (source)", language="fr")]
    assert page.services == frozenset({svc.value})


def test_live_stored_output_equals_one_rebuilt(generated):
    svc = generated.extensions["socle"]
    entry = svc.feed_index.page(profiled_filters(), 0, 1).entries[0]
    svc.records.delete("gen", entry.id)
    live = svc.derived.snapshot()
    assert live["profiled_records"] and live == rebuilt_snapshot(svc.store)


def test_a_change_of_profile_code_rebuilds(demo, monkeypatch):
    """The fingerprint of the profile code is the index's schema: another one at open marks
    the derived store for rebuild."""
    from service.derived.store import DerivedStore

    store = demo.extensions["socle"].store
    same = DerivedStore.for_store(store)
    try:
        same.register(profiled.ProfiledTable())
        assert "profiled" not in same._stale
    finally:
        same.close()
    monkeypatch.setattr(profiled, "fingerprint", lambda: "changed")
    other = DerivedStore.for_store(store)
    try:
        other.register(profiled.ProfiledTable())
        assert not other.built()
    finally:
        other.close()


def test_an_older_table_layout_is_made_anew():
    import sqlite3

    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("CREATE TABLE profiled_records (id, profile, lines, turtle, extra, labelled, "
               "links, services)")
    profiled.ProfiledTable().create(db)
    columns = [r[1] for r in db.execute("PRAGMA table_info(profiled_records)")]
    assert columns == list(profiled.COLUMNS)


def test_a_record_own_lines_are_stored_apart_once():
    """Lines about the record's IRI and the nodes under IRI# are its own (sent unread); the
    others (a node other records may describe too) are compared per page."""
    iri = "https://x.test/a"
    lines = (f"<{iri}> <urn:p> <urn:o> .\n<{iri}#d> <urn:p> \"x\" .\n<{iri}> <urn:p> <urn:o> .\n"
             f"<{iri}/dist> <urn:p> <urn:o> .\n<https://x.test/ab> <urn:p> <urn:o> .\n")
    *_, solo_subjects, shared_subjects, shared, solo, own = profiled.row(
        iri, lines, "", "", "", "")
    assert own == f"<{iri}> <urn:p> <urn:o> .\n<{iri}#d> <urn:p> \"x\" .\n".encode()
    assert solo == f"<{iri}/dist> <urn:p> <urn:o> .\n".encode()
    assert shared == b"<https://x.test/ab> <urn:p> <urn:o> .\n"
    assert (solo_subjects, shared_subjects) == (f"{iri}/dist", "https://x.test/ab")


def test_an_enrichment_line_a_record_says_of_its_own_node_is_sent_once():
    """A record's enrichment types the page it links to; when that page is another record's
    own node, typed there, the line is not repeated."""
    a, b = N("https://x.test/a"), N("https://x.test/b")
    doc = N("https://x.test/a#doc")
    rdf_type = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    document = N("http://xmlns.com/foaf/0.1/Document")
    first = [ox.Triple(a, rdf_type, N(f"{DCAT}Dataset")), ox.Triple(doc, rdf_type, document),
             ox.Triple(a, N(f"{DCAT}landingPage"), doc)]
    second = [ox.Triple(b, rdf_type, N(f"{DCAT}Dataset")),
              ox.Triple(b, N(f"{DCAT}landingPage"), doc)]
    stored = [_stored(first, a.value), _stored(second, b.value)]
    line = f"<{doc.value}> <{rdf_type.value}> <{document.value}> .\n".encode()
    assert line in stored[0].own and line in stored[1].extra
    body = assemble(stored, lambda iris: iris).ntriples()
    lines = [line for line in body.split(b"\n") if line]
    assert len(lines) == len(set(lines))
    got = {q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)}
    assert got == set(PROFILES["dcat-ap-3"](first + second))


def _page_lines(stored: list[Stored]) -> list[bytes]:
    body = assemble(stored, lambda iris: iris).ntriples()
    return [line for line in body.split(b"\n") if line]


def _dataset(iri: N, *more: ox.Triple) -> list[ox.Triple]:
    rdf_type = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return [ox.Triple(iri, rdf_type, N(f"{DCAT}Dataset")), *more]


@pytest.mark.parametrize("case", ["solo on two records", "solo of one, shared of another"])
def test_a_solo_guess_that_fails_on_a_page_still_sends_each_line_once(case):
    """The solo lines (a distribution, a node under IRI/) are sent unread only when no other
    record of the page describes their subject; otherwise they are compared like the shared
    lines, and the page is still the profile's graph without a repeated line."""
    a, b = N("https://x.test/a"), N("https://x.test/b")
    dist = N("https://x.test/a/d1")
    described = [ox.Triple(dist, N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                           N(f"{DCAT}Distribution")),
                 ox.Triple(dist, N(f"{DCAT}accessURL"), N("https://files.test/x.csv"))]
    first = _dataset(a, ox.Triple(a, N(f"{DCAT}distribution"), dist), *described)
    if case == "solo on two records":  # both link and describe it: solo for both
        second = _dataset(b, ox.Triple(b, N(f"{DCAT}distribution"), dist), *described)
    else:  # b describes it without linking it as a distribution: shared for b
        second = _dataset(b, ox.Triple(b, N(f"{DCAT}relation"), dist), *described)
    stored = [_stored(first, a.value), _stored(second, b.value)]
    assert stored[0].solo and dist.value in stored[0].solo_subjects.split("\n")
    lines = _page_lines(stored)
    assert len(lines) == len(set(lines))
    got = {q.triple for q in ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES)}
    assert got == set(PROFILES["dcat-ap-3"](first + second))


def test_an_enrichment_line_a_record_says_of_its_solo_node_is_sent_once():
    """b's enrichment types the page it links to; a describes that page under its IRI/
    (a solo node) with the same type: the line is sent once."""
    a, b = N("https://x.test/a"), N("https://x.test/b")
    page = N("https://x.test/a/page")
    rdf_type = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    document = N("http://xmlns.com/foaf/0.1/Document")
    first = _dataset(a, ox.Triple(a, N(f"{DCAT}landingPage"), page),
                     ox.Triple(page, rdf_type, document))
    second = _dataset(b, ox.Triple(b, N(f"{DCAT}landingPage"), page))
    stored = [_stored(first, a.value), _stored(second, b.value)]
    line = f"<{page.value}> <{rdf_type.value}> <{document.value}> .\n".encode()
    assert line in stored[0].solo and line in stored[1].extra
    lines = _page_lines(stored)
    assert len(lines) == len(set(lines))
    got = {q.triple for q in ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_TRIPLES)}
    assert got == set(PROFILES["dcat-ap-3"](first + second))


def test_solo_lines_sent_unread_give_the_lines_of_a_full_comparison(generated, monkeypatch):
    """On the generator's records (distributions and skolemised nodes solo), every page's
    lines are those of the same page with every non-own line compared."""
    from service.feed import assemble as assembly

    svc = generated.extensions["socle"]
    snap = svc.feed_index.page(profiled_filters(), 0, 100, "dcat-ap-3")
    stored = [e.stored for e in snap.entries if e.stored is not None]
    assert sum(bool(s.solo) for s in stored) >= 20
    for start in range(0, len(stored), 7):
        page = stored[start:start + 7]
        assert assembly._solo_apart(page, []) not in (None, {})
        fast = _page_lines(page)
        with monkeypatch.context() as patch:
            patch.setattr(assembly, "_solo_apart", lambda stored, head: None)
            full = _page_lines(page)
        assert len(fast) == len(set(fast)) and sorted(fast) == sorted(full)


def test_a_solo_line_the_head_already_holds_is_sent_once():
    """A record whose distribution IRI is one the page's head describes (the catalogue node,
    say): its solo lines are compared with the head's, not sent unread."""
    a, dist = N("https://x.test/a"), N("https://x.test/a/d1")
    rdf_type = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    first = _dataset(a, ox.Triple(a, N(f"{DCAT}distribution"), dist),
                     ox.Triple(dist, rdf_type, N(f"{DCAT}Distribution")))
    stored = _stored(first, a.value)
    head = f"<{dist.value}> <{rdf_type.value}> <{DCAT}Distribution> .\n".encode()
    assert head in stored.solo
    body = assemble([stored], lambda iris: iris).ntriples(head)
    lines = [line for line in body.split(b"\n") if line]
    assert len(lines) == len(set(lines))
