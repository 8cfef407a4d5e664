"""What the MQA looks at in one record, read from its triples once.

Facts are small, plain and JSON-serialisable: they are stored beside the score, so that a
rescore after a link check or a validation change needs no re-reading of the record graphs.
Terms may be rdflib or pyoxigraph terms (the write path has the former, bulk reads the latter).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from service.quality import vocabularies as voc

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class Distribution:
    node: str
    access_urls: tuple[str, ...] = ()
    download_urls: tuple[str, ...] = ()
    format: bool = False
    media_type: bool = False
    vocabulary: bool = False  # format or media type from the EU / IANA vocabularies
    non_proprietary: bool = False
    machine_readable: bool = False
    licence: bool = False
    known_licence: bool = False
    rights: bool = False
    byte_size: bool = False

    def interoperability(self) -> int:
        """Points of the best-distribution indicators this distribution earns."""
        return (20 * self.format + 10 * self.media_type + 10 * self.vocabulary
                + 20 * self.non_proprietary + 20 * self.machine_readable)


@dataclass(frozen=True)
class Facts:
    iri: str
    keyword: bool = False
    theme: bool = False
    spatial: bool = False
    temporal: bool = False
    access_rights: bool = False
    known_access_rights: bool = False
    contact_point: bool = False
    publisher: bool = False
    issued: bool = False
    modified: bool = False
    distributions: tuple[Distribution, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """As plain data (dataclasses.asdict deep-copies: 10x slower at 10^5 records)."""
        return {**self.__dict__, "distributions": [dict(d.__dict__)
                                                   for d in self.distributions]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Facts:
        dists = tuple(Distribution(**{**d, "access_urls": tuple(d["access_urls"]),
                                      "download_urls": tuple(d["download_urls"])})
                      for d in data.get("distributions", ()))
        return cls(**{**data, "distributions": dists})

    def urls(self) -> set[str]:
        return {u for d in self.distributions for u in (*d.access_urls, *d.download_urls)}


def _term(term: Any) -> tuple[str, bool]:
    """(lexical value, is an IRI) of an rdflib or pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return term.value, True
    if isinstance(term, (ox.Literal, ox.BlankNode)):
        return term.value, False
    return str(term), isinstance(term, URIRef)


def of_record(triples: Iterable[Any], iri: str, record_id: str) -> Facts:
    """`extract` as the writer's extractors are called (catalog/prepare.Extractor)."""
    return extract(triples, iri)


def extract(triples: Iterable[Any], iri: str) -> Facts:
    """The facts of the dataset `iri` from its record's triples."""
    by_subject: dict[str, dict[str, list[tuple[str, bool]]]] = {}
    for s, p, o in triples:
        props = by_subject.setdefault(_term(s)[0], {})
        props.setdefault(_term(p)[0], []).append(_term(o))
    ds = by_subject.get(iri, {})
    rights = [v for v, _ in ds.get(DCT + "accessRights", ())]
    dists = tuple(sorted((_distribution(node, by_subject.get(node, {}))
                          for node, _ in ds.get(DCAT + "distribution", ())),
                         key=lambda d: d.node))
    return Facts(
        iri=iri,
        keyword=bool(ds.get(DCAT + "keyword")),
        theme=bool(ds.get(DCAT + "theme")),
        spatial=bool(ds.get(DCT + "spatial")),
        temporal=bool(ds.get(DCT + "temporal")),
        access_rights=bool(rights),
        known_access_rights=any(voc.access_right_known(v) for v in rights),
        contact_point=bool(ds.get(DCAT + "contactPoint")),
        publisher=bool(ds.get(DCT + "publisher")),
        issued=bool(ds.get(DCT + "issued")),
        modified=bool(ds.get(DCT + "modified")),
        distributions=dists,
    )


def _distribution(node: str, props: dict[str, list[tuple[str, bool]]]) -> Distribution:
    formats = props.get(DCT + "format", [])
    media = props.get(DCAT + "mediaType", [])
    codes = {voc.format_code(v, is_iri) for v, is_iri in formats}
    codes |= {voc.formats().by_media_type.get(voc.media_type_name(v)) for v, _ in media}
    codes.discard(None)
    table = voc.formats()
    licences = [v for v, _ in props.get(DCT + "license", ())]
    return Distribution(
        node=node,
        access_urls=tuple(sorted(v for v, _ in props.get(DCAT + "accessURL", ()))),
        download_urls=tuple(sorted(v for v, _ in props.get(DCAT + "downloadURL", ()))),
        format=bool(formats),
        media_type=bool(media),
        vocabulary=(any(voc.format_from_vocabulary(v, i) for v, i in formats)
                    or any(voc.media_type_from_vocabulary(v, i) for v, i in media)),
        non_proprietary=bool(codes & table.non_proprietary),
        machine_readable=bool(codes & table.machine_readable),
        licence=bool(licences),
        known_licence=any(voc.licence_known(v) for v in licences),
        rights=bool(props.get(DCT + "rights")),
        byte_size=bool(props.get(DCAT + "byteSize")),
    )
