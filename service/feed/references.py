"""Links of a feed page to resources that are in no record of the feed.

Why: DCAT-AP's ranges make ``dcat:servesDataset`` (and ``dct:hasVersion``/``isVersionOf``)
point to a ``dcat:Dataset`` and ``adms:sample`` to a ``dcat:Distribution``, and the official
shapes check that class on the page (no inference, nothing fetched). A source may name a
dataset of another catalogue that its service serves, a version or a sample it never describes:
Socle cannot type such an IRI without describing it (the Dataset and Distribution shapes would
then ask for a title, a description, an access URL nobody gave). Those links are served as
``dct:relation`` instead: the IRI stays on the page for RDF readers (ckanext-dcat reads
``dct:relation``), the page conforms, and what a harvester links by (udata attaches
``servesDataset`` only to datasets of the same harvest) is unchanged, because a target that is
a record of the feed, on this page or another, keeps its link.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

DCAT = "http://www.w3.org/ns/dcat#"
# Properties whose value must be a resource described on the page (the class checked).
# dct:hasVersion / dct:isVersionOf: DCAT-AP's range is dcat:Dataset (3.0.1 range.ttl, 2.1.1);
# the 2.1.1 profile gives DCAT 3's dcat:hasVersion as dct:hasVersion (HealthDCAT-AP's
# dataset_health.ttl names a version it does not describe).
DESCRIBED_LINKS = frozenset({ox.NamedNode(f"{DCAT}servesDataset"),
                             ox.NamedNode("http://www.w3.org/ns/adms#sample"),
                             ox.NamedNode("http://purl.org/dc/terms/hasVersion"),
                             ox.NamedNode("http://purl.org/dc/terms/isVersionOf")})
RELATION = ox.NamedNode("http://purl.org/dc/terms/relation")


def relink_dangling(triples: list[ox.Triple],
                    in_feed: Callable[[set[str]], set[str]]) -> list[ox.Triple]:
    """The page's triples with links to resources described nowhere in the feed served as
    ``dct:relation``. ``in_feed``: which IRIs are records of the feed."""
    subjects = {t.subject for t in triples}
    dangling = {t.object for t in triples if t.predicate in DESCRIBED_LINKS
                and isinstance(t.object, ox.NamedNode) and t.object not in subjects}
    if not dangling:
        return triples
    records = in_feed({n.value for n in dangling})
    moved = {n for n in dangling if n.value not in records}
    if not moved:
        return triples
    return [ox.Triple(t.subject, RELATION, t.object)
            if t.predicate in DESCRIBED_LINKS and t.object in moved else t for t in triples]
