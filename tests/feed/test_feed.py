"""The paged DCAT feed: paging, Hydra links, filters, conditional GET, formats, errors."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from service.rdf.formats import BY_SUFFIX
from service.rdf.namespaces import HYDRA
from service.rdf.parse import parse_rdf
from tests.conftest import BASE, post_ttl

N = 7


def dataset(i: int, theme: str = "GOVE", keyword: str = "budget") -> str:
    return f"""@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
[] a dcat:Dataset ; dct:identifier "ds-{i:03d}" ;
  dct:title "Jeu {i}"@fr ; dct:description "Description {i}"@fr ; dcat:keyword "{keyword}"@fr ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/{theme}> ."""


@pytest.fixture
def filled(client, auth, other_token):
    for i in range(N):
        theme, keyword = ("ENVI", "eau") if i % 3 == 0 else ("GOVE", "budget")
        assert post_ttl(client, dataset(i, theme, keyword), auth).status_code == 201
    other = {"Authorization": f"Bearer {other_token}"}
    assert post_ttl(client, dataset(100), other).status_code == 201
    return client


def page_graph(client, url: str) -> Graph:
    response = client.get(url)
    assert response.status_code == 200, response.data
    return parse_rdf(response.data, BY_SUFFIX["ttl"])


def datasets_of(graph: Graph) -> list[str]:
    return sorted(str(s) for s in graph.subjects(RDF.type, DCAT.Dataset))


def view(graph: Graph) -> URIRef:
    return next(iter(graph.subjects(RDF.type, HYDRA.PartialCollectionView)))


def test_paging_walks_every_record_once(filled):
    seen: list[str] = []
    url = "/catalog.ttl?page_size=3"
    pages = 0
    while url:
        graph = page_graph(filled, url)
        seen += datasets_of(graph)
        v = view(graph)
        assert int(graph.value(v, HYDRA.totalItems)) == N + 1
        nxt = graph.value(v, HYDRA.next)
        assert nxt == graph.value(v, HYDRA.nextPage)  # legacy term on the same node
        url = str(nxt).removeprefix(BASE) if nxt else None
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == N + 1


def test_hydra_links_are_absolute_and_keep_the_suffix(filled):
    graph = page_graph(filled, "/catalog.ttl?page=2&page_size=2&keyword=budget")  # 5 → 3 pages
    v = view(graph)
    for term in (HYDRA.first, HYDRA.last, HYDRA.next, HYDRA.previous):
        link = str(graph.value(v, term))
        assert link.startswith(f"{BASE}/catalog.ttl?"), link
        assert "keyword=budget" in link and "page_size=2" in link
    assert str(graph.value(v, HYDRA.previous)).endswith("page=1")


def test_catalog_node(filled):
    graph = page_graph(filled, "/catalog.ttl?page_size=100")
    cat = URIRef(f"{BASE}/catalog")
    assert (cat, RDF.type, DCAT.Catalog) in graph
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.language,
                 DCTERMS.license, DCTERMS.modified):
        assert graph.value(cat, prop) is not None, prop
    assert len(list(graph.objects(cat, DCAT.dataset))) == N + 1
    parts = {str(p) for p in graph.objects(cat, DCTERMS.hasPart)}
    assert parts == {f"{BASE}/publishers/montfort/catalog", f"{BASE}/publishers/iffendic/catalog"}


def test_publisher_catalog_holds_only_its_records(filled):
    graph = page_graph(filled, "/publishers/iffendic/catalog.ttl")
    assert len(datasets_of(graph)) == 1
    cat = URIRef(f"{BASE}/publishers/iffendic/catalog")
    assert graph.value(cat, DCTERMS.publisher) == URIRef(f"{BASE}/publishers/iffendic")
    assert filled.get("/publishers/nobody/catalog.ttl").status_code == 404


@pytest.mark.parametrize(("query", "expected"), [
    ("theme=ENVI", 3),
    ("theme=http://publications.europa.eu/resource/authority/data-theme/GOVE", 5),
    ("keyword=EAU", 3), ("publisher=iffendic", 1), ("modified_since=2000-01-01", N + 1),
    ("modified_since=2999-01-01T00:00:00Z", 0),
    ("theme=GOVE&keyword=budget&publisher=montfort", 4),
])
def test_filters(filled, query, expected):
    graph = page_graph(filled, f"/catalog.ttl?{query}")
    assert len(datasets_of(graph)) == expected
    assert int(graph.value(view(graph), HYDRA.totalItems)) == expected


@pytest.mark.parametrize(("suffix", "media_type"), [
    ("ttl", "text/turtle"), ("rdf", "application/rdf+xml"), ("jsonld", "application/ld+json"),
    ("nt", "application/n-triples")])
def test_formats_by_suffix_and_accept(filled, suffix, media_type):
    by_suffix = filled.get(f"/catalog.{suffix}")
    by_accept = filled.get("/catalog", headers={"Accept": media_type})
    assert by_suffix.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert by_accept.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    graph = parse_rdf(by_suffix.data, BY_SUFFIX[suffix])
    assert len(datasets_of(graph)) == N + 1
    if suffix == "jsonld":
        assert isinstance(__import__("json").loads(by_suffix.data)["@context"], dict)


@pytest.mark.parametrize("suffix", ["ttl", "nt"])  # N-Triples: assembled from stored lines
def test_head_has_get_headers(filled, suffix):
    get = filled.get(f"/catalog.{suffix}")
    head = filled.head(f"/catalog.{suffix}")
    assert head.status_code == 200 and head.data == b""
    for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified"):
        assert head.headers[name] == get.headers[name]
    assert int(get.headers["Content-Length"]) == len(get.data)


def test_conditional_get_and_changes(filled, auth):
    first = filled.get("/catalog.ttl")
    assert filled.get("/catalog.ttl", headers={"If-None-Match": first.headers["ETag"]}
                      ).status_code == 304
    assert post_ttl(filled, dataset(50), auth).status_code == 201
    again = filled.get("/catalog.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]


def test_order_is_stable_while_records_change(filled, auth):
    before = datasets_of(page_graph(filled, "/catalog.ttl?page_size=3&page=1"))
    # An update keeps the record's place; a new record goes to the end.
    first_id = "ds-000"
    put = filled.put(f"/datasets/{first_id}", data=dataset(0, "ENVI", "eau").replace(
        "Jeu 0", "Jeu zéro"), headers={"Content-Type": "text/turtle", **auth})
    assert put.status_code == 200 and put.json["outcome"] == "updated"
    assert post_ttl(filled, dataset(60), auth).status_code == 201
    assert datasets_of(page_graph(filled, "/catalog.ttl?page_size=3&page=1")) == before
    last = page_graph(filled, "/catalog.ttl?page_size=3&page=3")
    assert f"{BASE}/datasets/ds-060" in datasets_of(last)
    text = page_graph(filled, "/catalog.ttl?page_size=3&page=1")
    assert (URIRef(f"{BASE}/datasets/ds-000"), DCTERMS.title, Literal("Jeu zéro", lang="fr")
            ) in text


def test_deleted_records_leave_the_feed(filled, auth):
    assert filled.delete("/datasets/ds-001", headers=auth).status_code == 204
    graph = page_graph(filled, "/catalog.ttl")
    assert f"{BASE}/datasets/ds-001" not in datasets_of(graph)
    assert int(graph.value(view(graph), HYDRA.totalItems)) == N


def test_empty_catalog_has_one_empty_page(client):
    graph = page_graph(client, "/catalog.ttl")
    assert int(graph.value(view(graph), HYDRA.totalItems)) == 0
    assert graph.value(view(graph), HYDRA.next) is None


@pytest.mark.parametrize(("url", "status", "word"), [
    ("/catalog.ttl?page=0", 400, "page"), ("/catalog.ttl?page=abc", 400, "page"),
    ("/catalog.ttl?page_size=1001", 400, "page_size"), ("/catalog.ttl?page=9", 404, "9"),
    ("/catalog.ttl?modified_since=yesterday", 400, "modified_since"),
    ("/catalog.xyz", 404, "xyz"), ("/catalog.ttl?profile=nope", 400, "nope"),
])
def test_bad_parameters(filled, url, status, word):
    response = filled.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert word in response.json["detail"]


def test_not_acceptable(filled):
    assert filled.get("/catalog", headers={"Accept": "image/png"}).status_code == 406


def test_catalog_modified_is_the_same_on_every_page(filled):
    cat = URIRef(f"{BASE}/catalog")
    stamps = {page_graph(filled, f"/catalog.ttl?page_size=3&page={n}").value(cat, DCTERMS.modified)
              for n in (1, 2, 3)}
    assert len(stamps) == 1


def test_publisher_default_profile(app, filled):
    from service.catalog.publishers import set_default_profile
    from service.errors import SocleError

    def records(url: str) -> set:
        graph = page_graph(filled, url)
        return {t for t in graph if "/catalog" not in str(t[0])}  # no paging links

    svc = app.extensions["socle"]
    plain = filled.get("/publishers/montfort/catalog.ttl")
    set_default_profile(svc.store, BASE, "montfort", "datagouv")
    served = filled.get("/publishers/montfort/catalog.ttl")
    assert served.headers["ETag"] != plain.headers["ETag"]
    url = "/publishers/montfort/catalog.ttl"
    assert records(url) == records(f"{url}?profile=datagouv")
    with pytest.raises(SocleError):
        set_default_profile(svc.store, BASE, "montfort", "nope")
    set_default_profile(svc.store, BASE, "montfort", None)
    assert records(url) == records(f"{url}?profile=dcat-ap-3")
