"""Issue 17 defect 5: a dct:conformsTo the source gave as a blank node (GeoNetwork/DataRA:
a coordinate reference system with its INSPIRE dct:type) is served by the datagouv profile as
a blank node again, not as the record's skolem IRI, so that udata keeps the INSPIRE IRI as
the schema URL (udata.rdf.schema_from_rdf takes a conformsTo IRI as the URL itself)."""

from __future__ import annotations

import pyoxigraph as ox

from service.rdf.profiles import datagouv

N = ox.NamedNode
DCT = "http://purl.org/dc/terms/"
RECORD = N("http://socle.test/datasets/srs")
SKOLEM = N("http://socle.test/datasets/srs#409fa0c1d2e3f4a5")
INSPIRE = N("http://inspire.ec.europa.eu/glossary/SpatialReferenceSystem")
STANDARD = N("http://data.europa.eu/930/")


def _served(*extra: ox.Triple) -> list[ox.Triple]:
    return datagouv.profile([
        ox.Triple(RECORD, N(f"{DCT}conformsTo"), SKOLEM),
        ox.Triple(SKOLEM, N(f"{DCT}type"), INSPIRE),
        ox.Triple(SKOLEM, N(f"{DCT}title"), ox.Literal("RGF93 / Lambert-93", language="fr")),
        *extra])


def test_skolemised_conforms_to_is_a_blank_node_again():
    served = _served()
    (target,) = [t.object for t in served if t.subject == RECORD
                 and t.predicate == N(f"{DCT}conformsTo")]
    assert isinstance(target, ox.BlankNode)
    assert ox.Triple(target, N(f"{DCT}type"), INSPIRE) in served
    assert not any(SKOLEM in (t.subject, t.object) for t in served)


def test_a_standard_iri_of_the_source_stays_an_iri():
    served = _served(ox.Triple(RECORD, N(f"{DCT}conformsTo"), STANDARD))
    assert ox.Triple(RECORD, N(f"{DCT}conformsTo"), STANDARD) in served
