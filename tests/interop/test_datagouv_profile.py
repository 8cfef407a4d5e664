"""The ``datagouv`` profile on its own (no harvester needed): each change udata needs."""

from __future__ import annotations

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


def test_a_100_record_page_keeps_its_keywords_in_order():
    """(Was a timed assertion, flaky on a loaded machine: the brief forbids them. Profile
    time on this page: ~10 ms on a quiet machine, see the commit that changed this test.)"""
    base = []
    for i in range(100):
        ds, dist, period = (N(f"{BASE}/datasets/d{i}"), N(f"{BASE}/datasets/d{i}#x"),
                            N(f"{BASE}/datasets/d{i}#p"))
        base += [_t(ds, f"{DCAT}distribution", dist), _t(ds, f"{DCT}temporal", period),
                 _t(period, f"{DCAT}startDate", ox.Literal("2024-01-01")),
                 _t(dist, f"{DCT}format", N(f"{EUFT}CSV")),
                 _t(dist, f"{DCT}license", N("http://spdx.org/licenses/etalab-2.0"))]
        base += [_t(ds, f"{DCAT}keyword", ox.Literal(f"mot {j}")) for j in range(40)]
    out = datagouv.profile(base)
    keywords = [t for t in base if t.predicate == N(f"{DCAT}keyword")]
    assert [t for t in out if t.predicate == N(f"{DCAT}keyword")] == keywords


@pytest.mark.parametrize("iri,label", [
    ("http://data.europa.eu/bna/c_dd313021", "Observation de la Terre et environnement"),
    ("http://inspire.ec.europa.eu/theme/hy", "Hydrographie")])
def test_inspire_and_hvd_subjects_served_as_themes(iri, label):
    """udata reads only dcat:theme (its ``hvd`` and ``inspire`` tags, udata-catalog-xml and
    udata-bnodes-xml in tests/interop/test_udata_compare.py); the record keeps them as
    dct:subject. Served as a labelled skos:Concept, as DCAT-AP's shapes ask of a theme."""
    subject = N(iri)
    out = datagouv.profile([_t(DS, f"{DCT}subject", subject)])
    assert subject in _values(out, DS, f"{DCAT}theme")
    assert subject in _values(out, DS, f"{DCT}subject")
    assert N("http://www.w3.org/2004/02/skos/core#Concept") in _values(
        out, subject, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert ox.Literal(label, language="fr") in _values(
        out, subject, "http://www.w3.org/2004/02/skos/core#prefLabel")


def test_other_subjects_are_not_themes():
    subject = N("http://eurovoc.europa.eu/100142")
    out = datagouv.profile([_t(DS, f"{DCT}subject", subject)])
    assert _values(out, DS, f"{DCAT}theme") == []


def test_values_in_several_languages_served_french_then_english_first():
    """udata keeps the French value, else the first it reads: a contact point's name of
    ckan-dataset_multilingual-ttl (en, ca, es) changed with the store's order."""
    contact = N(f"{BASE}/datasets/d1#c")
    fn = "http://www.w3.org/2006/vcard/ns#fn"
    names = [ox.Literal("Contacto 1", language="es"), ox.Literal("Contact 1", language="en"),
             ox.Literal("Contacte 1", language="ca")]
    out = datagouv.profile([_t(contact, fn, n) for n in names])
    assert [v.language for v in _values(out, contact, fn)] == ["en", "ca", "es"]
    out = datagouv.profile([_t(contact, fn, n) for n in
                            [*names, ox.Literal("Contact 1", language="fr")]])
    assert _values(out, contact, fn)[0].language == "fr"
