"""The search index follows every write: create, update, delete, and its answers match a scan."""

from __future__ import annotations

from service.derived.registry import open_derived
from service.derived.source import StoreSource
from service.rdf.formats import TURTLE
from service.rdf.parse import parse_rdf
from service.search import SearchIndex
from service.search.text import query_terms, stems


def rebuilt(store) -> SearchIndex:
    """A search index rebuilt from the store in a scratch derived store."""
    derived = open_derived(store, memory=True)
    derived.rebuild(StoreSource(store))
    return SearchIndex(derived)


def _create(svc, publisher_id: str, ttl: str, i: int, title: str):
    body = ttl.replace('"deliberations-montfort"', f'"jeu-{i}"').replace(
        "Délibérations du conseil municipal", title)
    return svc.records.create(publisher_id, parse_rdf(body.encode(), TURTLE)).meta


def test_stems_fold_case_accents_and_plurals():
    assert stems("Délibérations du Conseil — ÉTÉ 2024") == "deliber conseil ete 2024"
    assert query_terms("budgets budget BUDGET") == ["budget"]
    assert query_terms("deliberations") == query_terms("délibération")


def test_index_follows_writes(app, svc, publisher, other_publisher, valid_ttl):
    index = app.extensions["socle"].search
    a = _create(svc, "montfort", valid_ttl, 1, "Budget primitif")
    assert index.search("budget").total == 1  # built from the store on first use
    b = _create(svc, "iffendic", valid_ttl, 2, "Budget annexe de l'eau")
    assert [d.id for d in index.search("budget", sort="date").docs] == [b.id, a.id]
    assert index.search("budget", {"publisher": "iffendic"}).total == 1
    facets = dict(index.search("").facets["publisher"])
    assert facets == {"montfort": 1, "iffendic": 1}
    # Update: the old words go, the new ones come.
    graph = svc.records.graph(a)
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS

    graph.set((URIRef(a.iri), DCTERMS.title, Literal("Subventions aux associations", lang="fr")))
    svc.records.replace("montfort", a.id, graph)
    assert index.search("budget").total == 1 and index.search("subventions").total == 1
    assert index.search("primitif").total == 0
    svc.records.delete("iffendic", b.id)
    assert index.search("budget").total == 0 and len(index) == 1
    # A fresh index built from the store answers the same.
    fresh = rebuilt(svc.store)
    for q in ("", "subventions", "deliberations", "conseil municipal"):
        assert [d.id for d in fresh.search(q).docs] == [d.id for d in index.search(q).docs]
        assert fresh.search(q).facets == index.search(q).facets
