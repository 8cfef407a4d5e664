"""The ``datagouv`` profile on its own (no harvester needed): each change udata needs."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest

from service.rdf.profiles import datagouv, get_profile
from tests.conftest import BASE

N = ox.NamedNode
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
GSP = "http://www.opengis.net/ont/geosparql#"
EUFT = "http://publications.europa.eu/resource/authority/file-type/"
DS = N(f"{BASE}/datasets/d1")
DIST = N(f"{BASE}/datasets/d1#dist")


def _t(s, p: str, o) -> ox.Triple:
    return ox.Triple(s, N(p), o)


def _values(triples, subject, predicate: str) -> list:
    return [t.object for t in triples if t.subject == subject and t.predicate == N(predicate)]


def test_registered():
    assert get_profile("datagouv") is datagouv.profile


def test_checksum_value_is_a_plain_string():
    node = N(f"{BASE}/datasets/d1#sum")
    out = datagouv.profile([
        _t(DIST, f"{SPDX}checksum", node),
        _t(node, f"{SPDX}algorithm", N(f"{SPDX}checksumAlgorithm_sha256")),
        _t(node, f"{SPDX}checksumValue", ox.Literal("ab12", datatype=N(f"{XSD}hexBinary"))),
    ])
    assert _values(out, node, f"{SPDX}checksumValue") == [ox.Literal("ab12")]


@pytest.mark.parametrize(("given", "served"), [
    ("https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
     "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    ("http://spdx.org/licenses/etalab-2.0",
     "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    ("https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
     "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    ("https://opendatacommons.org/licenses/odbl/1-0/",
     "http://opendatacommons.org/licenses/odbl/summary/"),
    ("http://publications.europa.eu/resource/authority/licence/ODBL",
     "http://opendatacommons.org/licenses/odbl/summary/"),
    ("https://creativecommons.org/licenses/by/4.0/",
     "http://www.opendefinition.org/licenses/cc-by"),
    ("http://publications.europa.eu/resource/authority/licence/CC0",
     "http://www.opendefinition.org/licenses/cc-zero"),
    ("https://opendatacommons.org/licenses/by/1-0/",
     "http://opendatacommons.org/licenses/by/summary/"),
    ("https://example.org/my-licence", "https://example.org/my-licence"),  # unknown: as is
])
def test_licence_as_data_gouv_fr_knows_it(given, served):
    out = datagouv.profile([_t(DIST, f"{DCT}license", N(given))])
    assert _values(out, DIST, f"{DCT}license") == [N(served)]


def test_temporal_skolem_iri_becomes_a_blank_node():
    period = N(f"{BASE}/datasets/d1#period")
    start = ox.Literal("2024-01-01", datatype=N(f"{XSD}date"))
    out = datagouv.profile([
        _t(DS, f"{DCT}temporal", period),
        _t(period, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", N(f"{DCT}PeriodOfTime")),
        _t(period, f"{DCAT}startDate", start),
    ])
    [node] = _values(out, DS, f"{DCT}temporal")
    assert isinstance(node, ox.BlankNode)
    assert _values(out, node, f"{DCAT}startDate") == [start]
    assert not any(period in (t.subject, t.object) for t in out)
    # the same node from one request to the next (stable output)
    assert _values(datagouv.profile([_t(DS, f"{DCT}temporal", period),
                                     _t(period, f"{DCAT}startDate", start)]),
                   DS, f"{DCT}temporal") == [node]


def test_temporal_iri_not_described_on_the_page_is_kept():
    period = N("http://reference.data.gov.uk/id/year/2024")
    out = datagouv.profile([_t(DS, f"{DCT}temporal", period)])
    assert _values(out, DS, f"{DCT}temporal") == [period]


def test_wkt_polygons_kept_without_crs84_prefix_points_dropped():
    place = N(f"{BASE}/datasets/d1#place")
    wkt = N(f"{GSP}wktLiteral")
    polygon = "POLYGON((-2 48, -1 48, -1 49, -2 49, -2 48))"
    out = datagouv.profile([
        _t(DS, f"{DCT}spatial", place),
        _t(place, f"{DCAT}bbox", ox.Literal(
            f"<http://www.opengis.net/def/crs/OGC/1.3/CRS84> {polygon}", datatype=wkt)),
        _t(place, f"{DCAT}centroid", ox.Literal("POINT(-1.5 48.5)", datatype=wkt)),
        _t(place, "http://www.w3.org/ns/locn#geometry",
           ox.Literal("MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))", datatype=wkt)),
    ])
    assert _values(out, place, f"{DCAT}bbox") == [ox.Literal(polygon, datatype=wkt)]
    assert _values(out, place, f"{DCAT}centroid") == []
    assert len(_values(out, place, "http://www.w3.org/ns/locn#geometry")) == 1


def test_media_types():
    other = N(f"{BASE}/datasets/d1#dist2")
    out = datagouv.profile([
        _t(DIST, f"{DCT}format", N(f"{EUFT}CSV")),
        _t(DIST, f"{DCAT}mediaType", N("http://www.iana.org/assignments/media-types/text/csv")),
        _t(other, f"{DCT}format", N(f"{EUFT}GEOJSON")),
    ])
    iana = "https://www.iana.org/assignments/media-types/"
    assert _values(out, DIST, f"{DCAT}mediaType") == [N(f"{iana}text/csv")]
    assert _values(out, other, f"{DCAT}mediaType") == [N(f"{iana}application/geo+json")]


def test_format_names_data_gouv_fr_uses():
    out = datagouv.profile([_t(DIST, f"{DCT}format", N(f"{EUFT}RDF_TURTLE")),
                            _t(DS, f"{DCAT}distribution", DIST)])
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    assert _values(out, N(f"{EUFT}RDF_TURTLE"), label) == [ox.Literal("ttl")]
    assert _values(datagouv.profile([_t(DIST, f"{DCT}format", N(f"{EUFT}CSV"))]),
                   N(f"{EUFT}CSV"), label) == []  # "csv" already


def test_theme_has_its_label_and_licence_no_rdfs_label():
    theme = N("http://publications.europa.eu/resource/authority/data-theme/GOVE")
    licence = N("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
    out = datagouv.profile([_t(DS, f"{DCAT}theme", theme), _t(DIST, f"{DCT}license", licence)])
    assert ox.Literal("Gouvernement et secteur public", language="fr") in _values(
        out, theme, "http://www.w3.org/2004/02/skos/core#prefLabel")
    # udata would read an rdfs:label of the licence instead of its IRI
    assert _values(out, licence, "http://www.w3.org/2000/01/rdf-schema#label") == []


def test_feed_and_record_serve_the_profile(client, publisher, auth, valid_ttl):
    from tests.conftest import post_ttl

    created = post_ttl(client, valid_ttl, auth)
    assert created.status_code == 201, created.get_data(as_text=True)
    feed = client.get("/catalog.ttl?profile=datagouv")
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert "opendatacommons" not in feed.get_data(as_text=True)
    record = client.get(created.headers["Location"] + ".ttl?profile=datagouv")
    assert record.status_code == 200


def test_fast_on_a_100_record_page():
    base = []
    for i in range(100):
        ds, dist, period = (N(f"{BASE}/datasets/d{i}"), N(f"{BASE}/datasets/d{i}#x"),
                            N(f"{BASE}/datasets/d{i}#p"))
        base += [_t(ds, f"{DCAT}distribution", dist), _t(ds, f"{DCT}temporal", period),
                 _t(period, f"{DCAT}startDate", ox.Literal("2024-01-01")),
                 _t(dist, f"{DCT}format", N(f"{EUFT}CSV")),
                 _t(dist, f"{DCT}license", N("http://spdx.org/licenses/etalab-2.0"))]
        base += [_t(ds, f"{DCAT}keyword", ox.Literal(f"mot {j}")) for j in range(40)]
    datagouv.profile(base)  # vocabulary labels read once per process
    started = time.perf_counter()
    for _ in range(5):
        datagouv.profile(base)
    assert (time.perf_counter() - started) / 5 < 0.1  # ~10 ms here; generous for slow CI
