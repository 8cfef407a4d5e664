"""One blank-node hashing for both term libraries: the harvest digest (pyoxigraph terms) and
record skolemisation (rdflib terms) name a blank node by the same content hash."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph

from service.ingest.harvest.split import digest
from service.rdf.records import _term_n3, blank_signatures

DOC = b"""@prefix ex: <http://ex.org/> .
ex:a ex:p [ ex:q [ ex:r "x" ] ; ex:s [ ex:r "x" ] ] ; ex:t [ ex:u ex:b ] .
"""


def _signatures_by_subject():
    quads = list(ox.parse(DOC, format=ox.RdfFormat.TURTLE))
    ox_sigs = blank_signatures(((q.subject, q.predicate, q.object) for q in quads),
                               ox.BlankNode, str)
    graph = Graph().parse(data=DOC.decode(), format="turtle")
    rdflib_sigs = blank_signatures(graph, BNode, _term_n3)
    return ox_sigs, rdflib_sigs


def test_both_libraries_give_the_same_hashes():
    ox_sigs, rdflib_sigs = _signatures_by_subject()
    assert len(ox_sigs) == 4
    assert sorted(ox_sigs.values()) == sorted(rdflib_sigs.values())
    # two identical sub-nodes ([ ex:r "x" ]) share their hash
    assert len(set(ox_sigs.values())) == 3


def test_digest_ignores_the_parser_labels():
    first = [ox.Triple(q.subject, q.predicate, q.object)
             for q in ox.parse(DOC, format=ox.RdfFormat.TURTLE)]
    again = [ox.Triple(q.subject, q.predicate, q.object)
             for q in ox.parse(DOC, format=ox.RdfFormat.TURTLE)]
    assert {t.object for t in first if isinstance(t.object, ox.BlankNode)} != {
        t.object for t in again if isinstance(t.object, ox.BlankNode)}
    assert digest(first) == digest(again)
