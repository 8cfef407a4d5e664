"""French local profile (shapes/fr-local.ttl) and deliberate differences (docs/validation.md)."""

from pyshacl import validate
from rdflib import Graph

FR = "https://socle.opendata.fr/shapes/fr-local#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"


def shapes_of(report, prefix=FR):
    return {r.shape.rsplit("#", 1)[1] for r in report.results if r.shape.startswith(prefix)}


def test_valid_record_has_no_profile_warning(corpus, fast):
    assert shapes_of(fast.validate(corpus["valid-full.ttl"])) == set()


def test_french_title_and_unique_language(corpus, fast):
    assert shapes_of(fast.validate(corpus["title-english-only.ttl"])) == {"title-fr"}
    assert shapes_of(fast.validate(corpus["two-titles-same-lang.ttl"])) == {"title-uniqueLang"}


def test_decree_licences(corpus, fast):
    assert shapes_of(fast.validate(corpus["licence-cc-by.ttl"])) == {"license-decree"}
    assert shapes_of(fast.validate(corpus["licence-odbl-spdx.ttl"])) == set()


def test_scdl_needs_schema(corpus, fast):
    report = fast.validate(corpus["scdl-keyword-no-schema.ttl"])
    (r,) = [r for r in report.warnings if r.shape == FR + "Dataset_SCDL_Shape"]
    assert r.path == DCT + "conformsTo" and report.conforms


def test_contact_and_spatial(corpus, fast):
    report = fast.validate(corpus["no-contact-no-spatial.ttl"])
    paths = [r.path for r in report.warnings if r.path.endswith(("contactPoint", "spatial"))]
    # DCAT-AP (recommended) and the French profile flag the same gaps: reported once each.
    assert sorted(paths) == sorted([DCAT + "contactPoint", DCT + "spatial"])


def test_profile_never_blocks(corpus, fast):
    for g in corpus.values():
        assert all(r.severity == "Warning" for r in fast.validate(g).results
                   if r.shape.startswith(FR))


def test_d1_untyped_references_are_info(corpus, fast, official_shapes):
    for name, path in (("landing-page-untyped.ttl", "http://www.w3.org/ns/dcat#landingPage"),
                       ("spatial-untyped.ttl", DCT + "spatial")):
        report = fast.validate(corpus[name])
        assert report.conforms
        assert any(r.path == path and r.severity == "Info" for r in report.results)
        assert not any(r.path == path for r in report.warnings)
        ok, _g, _t = validate(corpus[name], shacl_graph=official_shapes, inference="none")
        assert not ok  # the official range.ttl makes it a Violation


def test_d2_vocabularies_satisfy_ranges(corpus, fast, official_shapes):
    """Without our vocabularies, the official ranges reject EU theme/frequency/licence IRIs."""
    g = corpus["valid-full.ttl"]
    assert fast.validate(g).conforms
    ok, rep, _t = validate(g, shacl_graph=official_shapes, inference="none")
    assert not ok
    text = rep.serialize(format="turtle")
    for iri in ("data-theme/GOVE", "frequency/MONTHLY", "licence-ouverte-open-licence"):
        assert iri in text


def test_whole_catalogue(corpus, fast):
    report = fast.validate(corpus["catalog-two-datasets.ttl"])
    assert [(r.focus, r.path) for r in report.violations] == [
        ("https://data.ville-exemple.fr/b", DCT + "description")]


def test_vocab_files_have_fr_and_en_labels(fast):
    from rdflib.namespace import RDF, SKOS
    g: Graph = fast.sources.vocab
    for c in g.subjects(RDF.type, SKOS.Concept):
        langs = {x.language for x in g.objects(c, SKOS.prefLabel)}
        assert {"fr", "en"} <= langs, c
