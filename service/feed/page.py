"""One feed page as pyoxigraph triples: the catalogue node, Hydra paging, the page's records.

Everything here works on pyoxigraph terms (no rdflib objects): a page of 100 records is
~5,000 triples and must be built in a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from service.rdf.namespaces import DCAT, DCTERMS, FOAF, HYDRA, RDF, XSD

_T = ox.NamedNode


@cache
def _n(ns, local: str) -> ox.NamedNode:
    """A term of a namespace, made once (str() of an rdflib Namespace is slow)."""
    return ox.NamedNode(f"{ns}{local}")


A = _n(RDF, "type")
FRA = _T("http://publications.europa.eu/resource/authority/language/FRA")
ETALAB = _T("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")


@dataclass(frozen=True)
class SubCatalog:
    iri: str
    publisher_iri: str
    publisher_name: str


@dataclass(frozen=True)
class CatalogInfo:
    iri: str
    title: str
    description: str
    publisher_iri: str
    publisher_name: str
    homepage: str
    parts: tuple[SubCatalog, ...] = ()  # sub-catalogues (dct:hasPart)


@dataclass(frozen=True)
class Paging:
    this: str
    first: str
    last: str
    next: str | None
    previous: str | None
    total: int
    page_size: int


def catalog_triples(info: CatalogInfo, modified: str, datasets: Iterable[str],
                    services: frozenset[str] = frozenset()) -> Iterator[ox.Triple]:
    """The catalogue node; records listed under dcat:service when they are data services
    (``services``), else dcat:dataset (DCAT-AP: dcat:dataset ranges over datasets)."""
    cat = _T(info.iri)
    pub = _T(info.publisher_iri)
    yield ox.Triple(cat, A, _n(DCAT, "Catalog"))
    yield ox.Triple(cat, _n(DCTERMS, "title"), ox.Literal(info.title, language="fr"))
    yield ox.Triple(cat, _n(DCTERMS, "description"), ox.Literal(info.description, language="fr"))
    yield ox.Triple(cat, _n(DCTERMS, "publisher"), pub)
    yield ox.Triple(pub, A, _n(FOAF, "Agent"))
    yield ox.Triple(pub, _n(FOAF, "name"), ox.Literal(info.publisher_name, language="fr"))
    yield ox.Triple(cat, _n(FOAF, "homepage"), _T(info.homepage))
    yield ox.Triple(_T(info.homepage), A, _n(FOAF, "Document"))
    yield ox.Triple(cat, _n(DCTERMS, "language"), FRA)
    yield ox.Triple(FRA, A, _n(DCTERMS, "LinguisticSystem"))
    yield ox.Triple(cat, _n(DCTERMS, "license"), ETALAB)
    yield ox.Triple(ETALAB, A, _n(DCTERMS, "LicenseDocument"))
    stamp = ox.Literal(modified, datatype=_n(XSD, "dateTime"))
    yield ox.Triple(cat, _n(DCTERMS, "modified"), stamp)
    for iri in datasets:
        yield ox.Triple(cat, _n(DCAT, "service" if iri in services else "dataset"), _T(iri))
    for part in info.parts:
        # Described enough to conform on their own (DCAT-AP Catalog: title, description,
        # publisher with a name): harvesters merge pages and validate every Catalog node.
        node, owner = _T(part.iri), _T(part.publisher_iri)
        yield ox.Triple(cat, _n(DCTERMS, "hasPart"), node)
        yield ox.Triple(node, A, _n(DCAT, "Catalog"))
        yield ox.Triple(node, _n(DCTERMS, "title"),
                        ox.Literal(f"Catalogue — {part.publisher_name}", language="fr"))
        yield ox.Triple(node, _n(DCTERMS, "description"),
                        ox.Literal(sub_description(part.publisher_name), language="fr"))
        yield ox.Triple(node, _n(DCTERMS, "publisher"), owner)
        yield ox.Triple(owner, A, _n(FOAF, "Agent"))
        yield ox.Triple(owner, _n(FOAF, "name"), ox.Literal(part.publisher_name, language="fr"))


def sub_description(publisher_name: str) -> str:
    return f"Jeux de données publiés par {publisher_name}."


def hydra_triples(catalog_iri: str, paging: Paging) -> Iterator[ox.Triple]:
    """Current Hydra (PartialCollectionView + next…) and the legacy PagedCollection terms
    (nextPage…) on the same node: udata and older harvesters follow either."""
    view = _T(paging.this)
    integer = _n(XSD, "integer")
    yield ox.Triple(_T(catalog_iri), _n(HYDRA, "view"), view)
    yield ox.Triple(view, A, _n(HYDRA, "PartialCollectionView"))
    yield ox.Triple(view, A, _n(HYDRA, "PagedCollection"))
    yield ox.Triple(view, _n(HYDRA, "totalItems"), ox.Literal(str(paging.total), datatype=integer))
    yield ox.Triple(view, _n(HYDRA, "itemsPerPage"),
                    ox.Literal(str(paging.page_size), datatype=integer))
    links = {"first": paging.first, "last": paging.last, "next": paging.next,
             "previous": paging.previous}
    legacy = {"first": "firstPage", "last": "lastPage", "next": "nextPage",
              "previous": "previousPage"}
    for term, url in links.items():
        if url:
            yield ox.Triple(view, _n(HYDRA, term), _T(url))
            yield ox.Triple(view, _n(HYDRA, legacy[term]), _T(url))
