"""The repair step on the records as the ingest paths hold them (``Extracted``)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.term import Node

from service.rdf.records import Extracted
from service.rdf.repair.engine import repair_triples

DCAT_CATALOG = URIRef("http://www.w3.org/ns/dcat#Catalog")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_LANGUAGE = URIRef("http://purl.org/dc/terms/language")


def repair_extracted(extracted: Extracted, base: str | None = None,
                     language: str | None = None) -> tuple[Extracted, list[dict[str, str | None]]]:
    """The record repaired (a new graph; the input is untouched) and its repairs as dicts."""
    triples, repairs = repair_triples(extracted.graph, extracted.root, base, language)
    if not repairs:
        return extracted, []
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return Extracted(extracted.root, graph), [r.to_dict() for r in repairs]


def declared_language(triples: Iterable[tuple[Node, Node, Node]]) -> str | None:
    """The one dct:language of the document's dcat:Catalog, if it declares exactly one."""
    triples = list(triples)
    catalogs = {s for s, p, o in triples if p == RDF_TYPE and o == DCAT_CATALOG}
    found = {str(o) for s, p, o in triples if p == DCT_LANGUAGE and s in catalogs}
    return found.pop() if len(found) == 1 else None


def repair_lines(repairs: list[dict[str, str | None]] | None, indent: str = "      ") -> list[str]:
    """Each repair as a curator reads it on a terminal (French first, then English)."""
    return [f"{indent}~ {r['property']} : {r['before'] or '(absent)'} → "
            f"{r['after'] or '(retiré / removed)'} — {r['detail_fr']} / {r['detail_en']}"
            for r in repairs or ()]
