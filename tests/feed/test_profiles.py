"""Output profiles dcat-ap-3 and dcat-ap-2.1.1: the demo feed and every record conform to the
official DCAT-AP shapes (3.0.1 and 2.1.1, core + ranges, pySHACL, no inference), in every
syntax, on the feed and on per-dataset URLs."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS, XSD

from service.app import create_app
from service.config import Settings
from service.rdf.formats import BY_SUFFIX
from service.rdf.parse import parse_rdf
from service.rdf.profiles import PROFILES, dcatap2, dcatap3
from service.rdf.profiles.enrich import enrichment
from tests.conftest import BASE, FIXTURES

SHACL = FIXTURES / "dcat-ap-shacl"
SHAPES = {
    "dcat-ap-3": [SHACL / "3.0.1" / "html-shacl" / f for f in ("shapes.ttl", "range.ttl")],
    "dcat-ap-2.1.1": [SHACL / "2.1.1" / f"dcat-ap_2.1.1_shacl_{f}.ttl"
                      for f in ("shapes", "range")],
}
SH = Namespace("http://www.w3.org/ns/shacl#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")  # DCAT 3 terms rdflib's DCAT does not list
OWL_VERSION = URIRef("http://www.w3.org/2002/07/owl#versionInfo")
GOVE = URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")
STANDARD = list(PROFILES)[:2]  # the two standard profiles (others may be registered after)
assert STANDARD == ["dcat-ap-3", "dcat-ap-2.1.1"]


def _shapes(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        # 3.0.1 writes sh:shape (not SHACL) for its date checks: sh:node makes them count.
        graph.parse(data=path.read_text(encoding="utf-8").replace("sh:shape ", "sh:node "),
                    format="turtle")
    return graph


@pytest.fixture(scope="module")
def shapes() -> dict[str, Graph]:
    return {name: _shapes(paths) for name, paths in SHAPES.items()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    app = create_app(Settings(data=str(tmp_path_factory.mktemp("demo") / "data"),
                              base_url=BASE, demo=True))
    yield app.test_client()
    app.extensions["socle"].store.close()


def violations(data: Graph, shapes_graph: Graph) -> list[tuple[str, str, str]]:
    _, report, _ = validate(data, shacl_graph=shapes_graph, inference="none", advanced=True)
    return sorted(
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.resultPath)),
         str(report.value(r, SH.resultMessage)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(r, SH.resultSeverity) == SH.Violation)


def get_graph(client, url: str, suffix: str = "ttl") -> Graph:
    response = client.get(url)
    assert response.status_code == 200, (url, response.data[:500])
    return parse_rdf(response.data, BY_SUFFIX[suffix])


def feed_pages(client, profile: str) -> list[tuple[str, Graph]]:
    """Every page of the whole catalogue (3 records a page) and of each publisher catalogue."""
    publishers = sorted(set(re.findall(r"/publishers/([a-z0-9-]+)/catalog",
                                       client.get("/catalog.ttl").get_data(as_text=True))))
    assert len(publishers) >= 3
    starts = [f"/catalog.ttl?page_size=10&profile={profile}"] + [
        f"/publishers/{p}/catalog.ttl?page_size=5&profile={profile}" for p in publishers]
    pages = []
    for url in starts:
        while url:
            graph = get_graph(client, url)
            pages.append((url, graph))
            nxt = next(graph.objects(None, HYDRA.next), None)
            url = str(nxt).removeprefix(BASE) if nxt else None
    return pages


_reports: dict[str, list[tuple[str, list]]] = {}


@pytest.fixture(scope="module")
def feed_reports(demo, shapes):
    """Validation of each feed page (one pySHACL call per page: merging pages would give the
    catalogue node one dct:modified per page), computed once per profile."""

    def get(profile: str) -> list[tuple[str, list]]:
        if profile not in _reports:
            _reports[profile] = [(url, violations(graph, shapes[profile]))
                                 for url, graph in feed_pages(demo, profile)]
        return _reports[profile]

    yield get
    _reports.clear()


def _is_sub_catalogue(focus: str) -> bool:
    return re.fullmatch(rf"{BASE}/publishers/[a-z0-9-]+/catalog", focus) is not None


@pytest.mark.parametrize("profile", STANDARD)
def test_feed_pages_conform(feed_reports, profile):
    reports = feed_reports(profile)
    assert len(reports) >= 9
    found = [(url, v) for url, vs in reports for v in vs if not _is_sub_catalogue(v[0])]
    assert found == []


@pytest.mark.parametrize("profile", STANDARD)
def test_whole_catalogue_sub_catalogue_links_conform(feed_reports, profile):
    assert [v for _, vs in feed_reports(profile) for v in vs] == []


def record_ids(client) -> list[str]:
    items = client.get("/datasets?limit=1000").get_json()["items"]
    return [item["id"] for item in items]


@pytest.mark.parametrize("profile", STANDARD)
def test_every_record_url_conforms(demo, shapes, profile):
    ids = record_ids(demo)
    assert len(ids) >= 28
    merged = Graph()
    for record_id in ids:
        merged += get_graph(demo, f"/datasets/{record_id}.ttl?profile={profile}")
    assert violations(merged, shapes[profile]) == []


def test_record_without_profile_is_served_as_stored(demo):
    record_id = record_ids(demo)[0]
    plain = get_graph(demo, f"/datasets/{record_id}.ttl")
    profiled = get_graph(demo, f"/datasets/{record_id}.ttl?profile=dcat-ap-3")
    theme = next(plain.objects(None, DCAT.theme))
    assert plain.value(theme, SKOS.prefLabel) is None
    assert profiled.value(theme, SKOS.prefLabel) is not None
    assert len(profiled) > len(plain)


def test_record_etag_and_links_depend_on_profile(demo):
    record_id = record_ids(demo)[0]
    etags = {demo.get(f"/datasets/{record_id}.ttl{q}").headers["ETag"]
             for q in ("", "?profile=dcat-ap-3", "?profile=dcat-ap-2.1.1")}
    assert len(etags) == 3
    link = demo.get(f"/datasets/{record_id}.ttl?profile=dcat-ap-2.1.1").headers["Link"]
    assert f"{record_id}.rdf?profile=dcat-ap-2.1.1" in link


@pytest.mark.parametrize("url", ["/datasets/{id}.ttl?profile=nope", "/catalog.ttl?profile=nope",
                                 "/publishers/bedee/catalog.rdf?profile=DCAT-AP-3"])
def test_unknown_profile_is_a_problem(demo, url):
    response = demo.get(url.format(id=record_ids(demo)[0]))
    assert response.status_code == 400
    assert response.content_type.startswith("application/problem+json")
    assert "dcat-ap-2.1.1" in response.get_json()["detail"]


def _byte_sizes(graph: Graph) -> set[URIRef]:
    return {o.datatype for o in graph.objects(None, DCAT.byteSize)}


def _sha256_checksum(graph: Graph) -> bool:
    return (None, SPDX.algorithm, SPDX.checksumAlgorithm_sha256) in graph


def _profile_marks(graph: Graph, profile: str) -> None:
    assert (GOVE, RDF.type, SKOS.Concept) in graph
    assert Literal("Gouvernement et secteur public", lang="fr") in set(
        graph.objects(GOVE, SKOS.prefLabel))
    if profile == "dcat-ap-3":
        assert _byte_sizes(graph) == {XSD.nonNegativeInteger}
        assert _sha256_checksum(graph)
    else:
        assert _byte_sizes(graph) == {XSD.decimal}
        assert not _sha256_checksum(graph)
        assert (None, SPDX.checksum, None) not in graph


@pytest.mark.parametrize("suffix", ["ttl", "rdf", "jsonld", "nt"])
@pytest.mark.parametrize("profile", STANDARD)
def test_profile_applies_in_every_syntax(demo, profile, suffix):
    feed = get_graph(demo, f"/catalog.{suffix}?page_size=100&profile={profile}", suffix)
    _profile_marks(feed, profile)
    # a record with a sha256 checksum, a byte size and the GOVE theme
    record = get_graph(demo, f"/datasets/montfort-communaute-budget-primitif-2025.{suffix}"
                             f"?profile={profile}", suffix)
    _profile_marks(record, profile)


def test_feed_default_profile_is_dcat_ap_3(demo):
    _profile_marks(get_graph(demo, "/catalog.nt?page_size=100", "nt"), "dcat-ap-3")


# --- the mapping tables on records the demo does not have ------------------------------------

SERIES_TTL = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<http://x.test/series> a dcat:DatasetSeries ;
  dct:title "Budgets"@fr ; dct:description "Budgets annuels."@fr ;
  dcatap:applicableLegislation <http://data.europa.eu/eli/reg_impl/2023/138/oj> .
<http://x.test/budget-2025> a dcat:Dataset ;
  dct:title "Budget 2025"@fr ; dct:description "Budget primitif 2025."@fr ;
  dcat:inSeries <http://x.test/series> ; dcat:version "2025.1" ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/ECON> ;
  dcat:distribution <http://x.test/budget-2025#csv> .
<http://x.test/budget-2025#csv> a dcat:Distribution ;
  dcat:accessURL <http://x.test/budget-2025.csv> ;
  dcat:byteSize "1024"^^xsd:integer ;
  spdx:checksum <http://x.test/budget-2025#sha1> .
<http://x.test/budget-2025#sha1> a spdx:Checksum ;
  spdx:algorithm spdx:checksumAlgorithm_sha1 ;
  spdx:checksumValue "da39a3ee5e6b4b0d3255bfef95601890afd80709"^^xsd:hexBinary .
"""


def _through(profile, turtle: str) -> Graph:
    triples = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    return Graph().parse(data=ox.serialize(list(profile(triples)), format=ox.RdfFormat.N_TRIPLES),
                         format="nt")


@pytest.mark.parametrize("profile,transform", [("dcat-ap-3", dcatap3.profile),
                                               ("dcat-ap-2.1.1", dcatap2.profile)])
def test_dcat3_only_terms_conform_in_both_profiles(shapes, profile, transform):
    graph = _through(transform, SERIES_TTL)
    assert violations(graph, shapes[profile]) == []
    series, member = URIRef("http://x.test/series"), URIRef("http://x.test/budget-2025")
    if profile == "dcat-ap-2.1.1":
        assert (series, RDF.type, DCAT.Dataset) in graph  # a 2.x harvester imports it
        assert (member, DCTERMS.isPartOf, series) in graph
        assert (member, DCAT3.inSeries, series) in graph  # kept: nothing lost
        assert graph.value(member, OWL_VERSION) == Literal("2025.1")
        assert graph.value(member, DCAT3.version) is None
        assert (None, SPDX.checksum, None) in graph  # sha1 is expressible: kept
    else:
        assert (series, RDF.type, DCAT.Dataset) not in graph
        assert graph.value(member, DCAT3.version) == Literal("2025.1")


def test_enrichment_types_and_labels_once():
    theme = ox.NamedNode(str(GOVE))
    triples = [ox.Triple(ox.NamedNode(f"http://x.test/{i}"), ox.NamedNode(str(DCAT.theme)), theme)
               for i in range(3)]
    added = enrichment(triples)
    assert [t.predicate.value for t in added].count(str(RDF.type)) == 1
    labels = {(t.object.value, t.object.language) for t in added
              if t.predicate.value == str(SKOS.prefLabel)}
    assert ("Gouvernement et secteur public", "fr") in labels
    assert {lang for _, lang in labels} == {"fr", "en"}
    # an unknown concept still gets a label (skos:Concept needs one), from its IRI
    odd = [ox.Triple(ox.NamedNode("http://x.test/d"), ox.NamedNode(str(DCAT.theme)),
                     ox.NamedNode("http://x.test/themes/voirie"))]
    assert any(t.object.value == "voirie" for t in enrichment(odd))
