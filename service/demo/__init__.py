"""Demo catalogue loaded by ``socle serve --demo``.

A small, realistic set of DCAT-AP 3 dataset descriptions for French local open data: the
communauté de communes *Montfort Communauté* (Ille-et-Vilaine, 35) and four of its member
communes. Publisher names, SIREN numbers and INSEE codes are the real ones (source: the
INSEE / BANATIC administrative breakdown as packaged by ``@etalab/decoupage-administratif``
6.0.0); the datasets themselves, their portal URLs (reserved ``.example`` top-level domain)
and contact e-mails are invented for the demo.

The data lives in one Turtle file per publisher, ``<publisher id>.ttl`` next to this module,
each holding several ``dcat:Dataset`` descriptions. :func:`demo_records` cuts every file into
one record per dataset: the dataset node plus its concise bounded description (the blank
nodes it reaches: distributions, contact point, period of time, location, checksum).

Records carry no ``dct:publisher``: the service sets it from the writing publisher. Most
datasets are blank nodes (the service mints their IRI); a few keep the IRI they have on their
commune's portal, as a harvested record would.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF
from rdflib.term import Node

DEMO_PUBLISHERS: tuple[dict, ...] = (
    {"id": "montfort-communaute", "name": "Montfort Communauté", "siren": "243500550"},
    {"id": "montfort-sur-meu", "name": "Ville de Montfort-sur-Meu", "siren": "213501885"},
    {"id": "iffendic", "name": "Commune d'Iffendic", "siren": "213501331"},
    {"id": "bedee", "name": "Commune de Bédée", "siren": "213500234"},
    {"id": "breteil", "name": "Commune de Breteil", "siren": "213500408"},
)

# Prefixes bound on every record so that the emitted Turtle stays readable.
_PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dct": "http://purl.org/dc/terms/",
    "geosparql": "http://www.opengis.net/ont/geosparql#",
    "locn": "http://www.w3.org/ns/locn#",
    "spdx": "http://spdx.org/rdf/terms#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _sort_key(graph: Graph, dataset: Node) -> str:
    identifier = graph.value(dataset, DCTERMS.identifier)
    if identifier is not None:
        return str(identifier)
    return str(graph.value(dataset, DCTERMS.title) or dataset)


def _publisher_records(publisher_id: str, turtle: str) -> Iterator[bytes]:
    source = Graph().parse(data=turtle, format="turtle")
    datasets = sorted(
        source.subjects(RDF.type, DCAT.Dataset), key=lambda d: _sort_key(source, d)
    )
    for dataset in datasets:
        record = Graph(bind_namespaces="none")
        for prefix, namespace in _PREFIXES.items():
            record.bind(prefix, namespace)
        for triple in source.cbd(dataset):
            record.add(triple)
        yield record.serialize(format="turtle", encoding="utf-8")


def demo_records() -> Iterator[tuple[str, bytes]]:
    """Yields (publisher_id, Turtle bytes of ONE record).

    Publishers come in ``DEMO_PUBLISHERS`` order, datasets sorted by ``dct:identifier`` (or
    title), so the sequence is deterministic.
    """
    package = resources.files(__name__)
    for publisher in DEMO_PUBLISHERS:
        turtle = (package / f"{publisher['id']}.ttl").read_text(encoding="utf-8")
        for record in _publisher_records(publisher["id"], turtle):
            yield publisher["id"], record


__all__ = ["DEMO_PUBLISHERS", "demo_records"]
