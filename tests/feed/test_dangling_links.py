"""Links of a feed page to resources described nowhere in the feed (service/feed/references.py):
served as dct:relation so the page conforms to the official shapes, while links to records
of the feed (this page or another) stay as they are for harvesters that attach them."""

from __future__ import annotations

import pyoxigraph as ox

from service.feed.references import RELATION, relink_dangling

N = ox.NamedNode
A = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCAT = "http://www.w3.org/ns/dcat#"
SERVES, SAMPLE = N(f"{DCAT}servesDataset"), N("http://www.w3.org/ns/adms#sample")
SERVICE, ON_PAGE = N("https://x.test/api"), N("https://x.test/d1")
ELSEWHERE, FOREIGN = N("https://x.test/d2"), N("https://other.test/d9")
SAMPLE_IRI = N("http://example.com/sample")


def _page() -> list[ox.Triple]:
    return [ox.Triple(SERVICE, A, N(f"{DCAT}DataService")),
            ox.Triple(SERVICE, SERVES, ON_PAGE), ox.Triple(SERVICE, SERVES, ELSEWHERE),
            ox.Triple(SERVICE, SERVES, FOREIGN),
            ox.Triple(ON_PAGE, A, N(f"{DCAT}Dataset")), ox.Triple(ON_PAGE, SAMPLE, SAMPLE_IRI)]


def test_links_to_nothing_in_the_feed_become_relations():
    asked: list[set[str]] = []

    def in_feed(iris: set[str]) -> set[str]:
        asked.append(iris)
        return {ELSEWHERE.value} & iris

    out = relink_dangling(_page(), in_feed)
    assert ox.Triple(SERVICE, RELATION, FOREIGN) in out
    assert ox.Triple(ON_PAGE, RELATION, SAMPLE_IRI) in out
    assert ox.Triple(SERVICE, SERVES, FOREIGN) not in out
    assert ox.Triple(ON_PAGE, SAMPLE, SAMPLE_IRI) not in out
    # on this page, or a record of the feed on another page: kept for harvesters to attach
    assert ox.Triple(SERVICE, SERVES, ON_PAGE) in out
    assert ox.Triple(SERVICE, SERVES, ELSEWHERE) in out
    assert asked == [{ELSEWHERE.value, FOREIGN.value, SAMPLE_IRI.value}]


def test_a_page_without_dangling_links_is_not_looked_up():
    page = [t for t in _page() if t.object not in (ELSEWHERE, FOREIGN, SAMPLE_IRI)]

    def in_feed(iris: set[str]) -> set[str]:
        raise AssertionError("no look-up expected")

    assert relink_dangling(page, in_feed) == page


def test_a_version_described_nowhere_becomes_a_relation():
    """dataset_health.ttl (HealthDCAT-AP): dcat:hasVersion to an IRI it never describes,
    dct:hasVersion in the 2.1.1 profile, whose range the official shapes check (dcat:Dataset)."""
    version = N("http://example.com/dataset/1234567890")
    has_version = N("http://purl.org/dc/terms/hasVersion")
    page = [ox.Triple(ON_PAGE, A, N(f"{DCAT}Dataset")), ox.Triple(ON_PAGE, has_version, version)]
    out = relink_dangling(page, lambda iris: set())
    assert ox.Triple(ON_PAGE, RELATION, version) in out
    assert ox.Triple(ON_PAGE, has_version, version) not in out
