"""The sub-catalogues /catalog lists, kept between requests (service/feed/parts.py): a
publisher written, renamed or restored away shows on the next page."""

from __future__ import annotations

import io

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF

from service.catalog.publishers import add_publisher
from service.rdf.formats import BY_SUFFIX
from service.rdf.namespaces import PUBLISHERS_GRAPH
from service.rdf.parse import parse_rdf
from tests.conftest import BASE

CAT = URIRef(f"{BASE}/catalog")


def parts(client) -> set[str]:
    response = client.get("/catalog.nt")
    assert response.status_code == 200
    return {str(p) for p in _graph(response.data).objects(CAT, DCTERMS.hasPart)}


def _graph(body: bytes) -> Graph:
    return parse_rdf(body, BY_SUFFIX["nt"])


def test_a_publisher_added_is_listed_on_the_next_page(client, svc, publisher):
    before = parts(client)
    assert parts(client) == before  # read from the kept list
    add_publisher(svc.store, BASE, "nouveau", "Nouvel éditeur")
    assert parts(client) == before | {f"{BASE}/publishers/nouveau/catalog"}


def test_a_publisher_renamed_is_named_anew(client, svc, publisher):
    parts(client)
    name = f"<{publisher.iri}> <{FOAF.name}>"
    svc.store.update(f"""DELETE {{ GRAPH <{PUBLISHERS_GRAPH}> {{ {name} ?n }} }}
        INSERT {{ GRAPH <{PUBLISHERS_GRAPH}> {{ {name} "Nom changé" }} }}
        WHERE {{ GRAPH <{PUBLISHERS_GRAPH}> {{ {name} ?n }} }}""")
    graph = _graph(client.get("/catalog.nt").data)
    assert {str(o) for o in graph.objects(URIRef(publisher.iri), FOAF.name)} == {"Nom changé"}


def test_a_restore_without_publishers_lists_none(client, svc, publisher):
    assert parts(client)
    svc.store.restore(io.BytesIO(b""))
    assert svc.sub_catalogs.get(svc.store, BASE) == ()


@pytest.mark.embedded_only("an external store is written by other processes too: never kept")
def test_the_list_is_kept_until_a_write(svc, publisher):
    first = svc.sub_catalogs.get(svc.store, BASE)
    assert svc.sub_catalogs.get(svc.store, BASE) is first
    add_publisher(svc.store, BASE, "autre", "Autre")
    assert svc.sub_catalogs.get(svc.store, BASE) is not first
