"""Scoring built from the MQA table (../shared/reference/mqa.md): every indicator's points,
the dimension maxima, the band limits, shares of distributions and the best-distribution rule."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef

from service.quality.facts import extract
from service.quality.indicators import (
    BANDS,
    DIMENSION_MAXIMA,
    INDICATORS,
    MAXIMUM,
    band,
)
from service.quality.score import aggregate, score
from tests.conftest import SHARED
from tests.quality.conftest import FULL_IRI, FULL_TTL

MQA = (SHARED / "reference" / "mqa.md").read_text(encoding="utf-8")
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
DIST = URIRef(FULL_IRI + "#csv")
DS = URIRef(FULL_IRI)


def table_rows() -> list[tuple[str, str, int]]:
    rows = re.findall(r"^\| (\w+) \| ([^|]+?) \| [^|]+ \| (\d+) \|$", MQA, re.M)
    return [(dim.lower(), name, int(points)) for dim, name, points in rows]


def full_graph() -> Graph:
    return Graph().parse(data=FULL_TTL, format="turtle")


def score_of(graph: Graph, conforms: bool = True, link=lambda url: True):
    return score(extract(graph, FULL_IRI), conforms, link)


def test_indicators_are_the_table():
    rows = table_rows()
    assert len(rows) == len(INDICATORS) == 23
    assert [(i.dimension, i.label_en, i.points) for i in INDICATORS] == rows
    assert MAXIMUM == 405
    maxima = dict(re.findall(r"(\w+) (\d+)[,;]", MQA.split("Maxima:")[1].split("total")[0]))
    assert {d: DIMENSION_MAXIMA[d] for d in DIMENSION_MAXIMA} == {
        k.lower(): int(v) for k, v in maxima.items()}


def test_band_limits_are_the_table():
    limits = re.findall(r"(Excellent|Good|Sufficient|Bad) (\d+)-(\d+)", MQA)
    assert [(n.lower(), int(lo)) for n, lo, _ in limits] == list(BANDS)
    for name, lower, upper in limits:
        assert band(int(lower)) == band(int(upper)) == name.lower()
    assert band(350.99) == "good" and band(220.5) == "sufficient" and band(120.9) == "bad"


def test_full_dataset_earns_every_point():
    result = score_of(full_graph())
    assert result.total == MAXIMUM and result.band == "excellent" and result.fixes() == []


def test_unchecked_links_lose_the_accessibility_points_and_say_so():
    result = score_of(full_graph(), link=lambda url: None)
    assert result.total == MAXIMUM - 80
    fixes = result.fixes()
    assert [f.indicator.id for f in fixes] == ["accessUrlStatusCode", "downloadUrlStatusCode"]
    assert all(f.unchecked == 1 for f in fixes)


def test_broken_link():
    result = score_of(full_graph(), link=lambda url: False)
    assert result.total == MAXIMUM - 80
    assert all(f.unchecked == 0 for f in result.fixes())


# Each indicator: what to take away from the full dataset to lose exactly its points.
REMOVALS = {
    "keywordAvailability": [(DS, DCAT + "keyword")],
    "categoryAvailability": [(DS, DCAT + "theme")],
    "spatialAvailability": [(DS, DCT + "spatial")],
    "temporalAvailability": [(DS, DCT + "temporal")],
    "formatAvailability": [(DIST, DCT + "format")],
    "mediaTypeAvailability": [(DIST, DCAT + "mediaType")],
    "licenceAvailability": [(DIST, DCT + "license")],
    "accessRightsVocabularyAlignment": "literal access rights",
    "knownLicence": "unknown licence",
    "formatMediaTypeVocabularyAlignment": "literal format",
    "contactPointAvailability": [(DS, DCAT + "contactPoint")],
    "publisherAvailability": [(DS, DCT + "publisher")],
    "rightsAvailability": [(DIST, DCT + "rights")],
    "byteSizeAvailability": [(DIST, DCAT + "byteSize")],
    "dateIssuedAvailability": [(DS, DCT + "issued")],
    "dateModifiedAvailability": [(DS, DCT + "modified")],
}


@pytest.mark.parametrize("indicator", sorted(REMOVALS))
def test_each_indicator_weighs_its_points(indicator):
    graph = full_graph()
    change = REMOVALS[indicator]
    if change == "literal access rights":
        graph.set((DS, URIRef(DCT + "accessRights"), Literal("public")))
    elif change == "unknown licence":
        graph.set((DIST, URIRef(DCT + "license"),
                   URIRef("https://www.montfort.fr/licence-maison")))
    elif change == "literal format":
        graph.set((DIST, URIRef(DCT + "format"), Literal("CSV")))
        graph.remove((DIST, URIRef(DCAT + "mediaType"), None))
        graph.add((DIST, URIRef(DCAT + "mediaType"), Literal("text/csv")))
    else:
        for s, p in change:
            graph.remove((s, URIRef(p), None))
    result = score_of(graph)
    points = next(i.points for i in INDICATORS if i.id == indicator)
    extra = {"licenceAvailability": 10}.get(indicator, 0)  # no licence: not a known one either
    assert result.total == MAXIMUM - points - extra
    assert result.fixes()[0].indicator.id == indicator


def test_access_rights_missing_loses_both_access_rights_indicators():
    graph = full_graph()
    graph.remove((DS, URIRef(DCT + "accessRights"), None))
    assert score_of(graph).total == MAXIMUM - 15


def test_download_url_missing_loses_fifty():
    graph = full_graph()
    graph.remove((DIST, URIRef(DCAT + "downloadURL"), None))
    assert score_of(graph).total == MAXIMUM - 50


def test_dcat_ap_compliance():
    assert score_of(full_graph(), conforms=False).total == MAXIMUM - 30


def test_share_of_distributions():
    """Distribution indicators weigh the share of distributions that pass."""
    graph = full_graph()
    second = URIRef(FULL_IRI + "#pdf")
    graph.add((DS, URIRef(DCAT + "distribution"), second))
    graph.add((second, URIRef(DCAT + "accessURL"), URIRef("https://files.montfort.fr/d.pdf")))
    result = score_of(graph)
    by_id = {r.indicator.id: r for r in result.results}
    assert (by_id["licenceAvailability"].passed, by_id["licenceAvailability"].population) == (1, 2)
    assert by_id["licenceAvailability"].points == 10
    assert by_id["byteSizeAvailability"].points == 2.5
    # Interoperability: the best distribution alone counts, the bare PDF changes nothing.
    assert result.dimension("interoperability") == 110
    assert result.total == MAXIMUM - (20 / 2 + 30 / 2) - (20 + 10) / 2 - (5 + 5) / 2


def test_best_distribution_rule_takes_the_best_not_the_mean():
    graph = Graph().parse(data="""
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <https://x.fr/d> a dcat:Dataset ; dcat:distribution <https://x.fr/d#a>, <https://x.fr/d#b> .
    @prefix ft: <http://publications.europa.eu/resource/authority/file-type/> .
    <https://x.fr/d#a> dct:format ft:PDF .
    <https://x.fr/d#b> dct:format ft:XLSX ;
      dcat:mediaType <https://www.iana.org/assignments/media-types/application/vnd.ms-excel> .
    """, format="turtle")
    result = score(extract(graph, "https://x.fr/d"), True)
    # XLSX: format 20 + media type 10 + vocabulary 10 + machine-readable 20, proprietary.
    assert result.dimension("interoperability") == 60 + 30


def test_no_distribution_counts_as_one_failing():
    graph = Graph().parse(data="""@prefix dcat: <http://www.w3.org/ns/dcat#> .
        <https://x.fr/d> a dcat:Dataset ; dcat:keyword "k" .""", format="turtle")
    result = score(extract(graph, "https://x.fr/d"), True)
    assert result.total == 30 + 30
    by_id = {r.indicator.id: r for r in result.results}
    assert by_id["licenceAvailability"].population == 1


def test_aggregate_sums_counts_as_one_catalogue():
    full = score_of(full_graph())
    graph = full_graph()
    graph.remove((DIST, URIRef(DCT + "license"), None))
    two = Graph()
    for t in graph:
        two.add(t)
    second = URIRef(FULL_IRI + "#b")
    two.add((DS, URIRef(DCAT + "distribution"), second))
    without = score_of(two)  # 0 of 2 distributions licensed
    total = aggregate([full, without])
    by_id = {r.indicator.id: r for r in total.results}
    assert (by_id["licenceAvailability"].passed, by_id["licenceAvailability"].population) == (1, 3)
    assert total.datasets == 2
    assert aggregate([]).total == 0 and aggregate([full]).total == MAXIMUM


def test_compact_round_trip():
    result = score_of(full_graph(), link=lambda url: None)
    again = type(result).from_compact(result.compact())
    assert again.total == result.total and again.fixes() == result.fixes()


@pytest.mark.parametrize("iri", [
    "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",  # mqa-licences.tsv
    "https://spdx.org/licenses/etalab-2.0.html",  # exactMatch of it in vocab/licences.ttl
    "http://publications.europa.eu/resource/authority/licence/ETALAB_2_0",
    "https://creativecommons.org/licenses/by/4.0/",
])
def test_known_licences(iri):
    graph = full_graph()
    graph.set((DIST, URIRef(DCT + "license"), URIRef(iri)))
    assert score_of(graph).total == MAXIMUM
