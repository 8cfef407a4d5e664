"""Every node the dataset form mints lives under the record's own IRI, and no two records
share one (the form once minted contact, period and distributions under the place's INSEE
IRI, so two datasets of the same town shared a distribution)."""

from __future__ import annotations

import re

from rdflib import BNode, URIRef
from rdflib.namespace import DCTERMS

from service.catalog.invariants import shared_nodes
from service.rdf.namespaces import DCAT
from tests.web.test_curator_http import GOOD, _form

TWO_DISTS = {**GOOD, "spatial": "Montfort-sur-Meu ; 35188 ; Rennes Métropole",
             "dist-1-title": "Budget (JSON)", "dist-1-url": "https://data.example.fr/b.json",
             "dist-1-format": "http://publications.europa.eu/resource/authority/file-type/JSON",
             "dist-2-title": "Budget (PDF)", "dist-2-url": "https://data.example.fr/b.pdf"}


def _save(client, data: dict, path: str = "/curator/datasets/new") -> str:
    token, _ = _form(client, path)
    r = client.post(path, data={**data, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    return r.headers["Location"].split("/curator/datasets/")[1].split("/edit")[0]


def _minted(graph, iri: str) -> set[str]:
    """Every subject of the record graph other than the dataset and its publisher."""
    subjects = set(graph.subjects())
    assert not any(isinstance(s, BNode) for s in subjects)
    publishers = {str(p) for p in graph.objects(URIRef(iri), DCTERMS.publisher)}
    return {str(s) for s in subjects} - {iri} - publishers


def test_two_records_of_the_same_place_share_no_node(logged_in, svc):
    first = _save(logged_in, TWO_DISTS)
    second = _save(logged_in, {**TWO_DISTS, "title": "Budget supplémentaire 2025"})
    assert first != second
    owned: dict[str, set[str]] = {}
    for record_id in (first, second):
        meta = svc.records.meta(record_id)
        graph = svc.records.graph(meta)
        node = URIRef(meta.iri)
        assert meta.iri.endswith(f"/datasets/{record_id}")
        assert len(list(graph.objects(node, DCAT.distribution))) == 3
        assert graph.value(node, DCAT.contactPoint) is not None
        assert graph.value(node, DCTERMS.temporal) is not None
        minted = _minted(graph, meta.iri)
        assert len(minted) == 5  # contact, period, three distributions
        assert all(m.startswith(f"{meta.iri}#") for m in minted), minted
        owned[record_id] = minted
    assert not owned[first] & owned[second]
    assert shared_nodes(svc.store) == []


def test_an_edit_keeps_the_nodes_under_the_record(logged_in, svc):
    record_id = _save(logged_in, TWO_DISTS)
    meta = svc.records.meta(record_id)
    _, html = _form(logged_in, f"/curator/datasets/{record_id}/edit")
    nodes = dict(re.findall(r'name="(dist-\d-node)" value="([^"]+)"', html))
    assert len(nodes) == 3
    _save(logged_in, {**TWO_DISTS, **nodes, "spatial": "Iffendic", "dist-3-title": "Quatre",
                      "dist-3-url": "https://data.example.fr/b4.csv"},
          f"/curator/datasets/{record_id}/edit")
    graph = svc.records.graph(svc.records.meta(record_id))
    minted = _minted(graph, meta.iri)
    assert len(minted) == 6 and all(m.startswith(f"{meta.iri}#") for m in minted)
    assert shared_nodes(svc.store) == []


def test_the_invariant_check_sees_a_shared_node(svc, publisher, auth, client, valid_ttl):
    """A store corrupted as the old form did: record 2's graph links record 1's
    distribution (written straight into the store, as no write path allows it any more)."""
    from tests.conftest import post_ttl

    for n in (1, 2):
        body = valid_ttl.replace('"deliberations-montfort"', f'"rec-{n}"')
        assert post_ttl(client, body, auth).status_code == 201
    first, second = svc.records.meta("rec-1"), svc.records.meta("rec-2")
    dist = svc.records.graph(first).value(URIRef(first.iri), DCAT.distribution)
    assert shared_nodes(svc.store) == []
    svc.store.update(f"INSERT DATA {{ GRAPH <{second.iri}> {{ <{second.iri}> "
                     f"<{DCAT.distribution}> <{dist}> }} }}")
    found = shared_nodes(svc.store)
    assert [(s.node, s.records) for s in found] == [(str(dist), 2)]
    assert set(found[0].example_graphs) == {first.iri, second.iri}
    # `socle validate --all` reports it and exits 1.
    svc.store.close()
    from tests.cli.conftest import socle
    from tests.conftest import BASE

    out = socle("validate", "--all", "--data", svc.settings.data, "--base-url", BASE)
    assert out.returncode == 1, out.stderr
    assert f"NŒUD PARTAGÉ / SHARED NODE <{dist}> : 2 enregistrements / records" in out.stdout
