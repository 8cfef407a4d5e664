"""The fast engine gives exactly the pySHACL reference results (its speed: bench/validation.py)."""

from pathlib import Path

import pytest

from service.validation import Report, ValidationResult, Validator
from service.validation.loader import REPO_ROOT


def test_same_results_on_whole_corpus(corpus, fast, reference):
    for name, g in corpus.items():
        assert set(fast.validate(g).results) == set(reference.validate(g).results), name


def test_vocabularies_alone_conform(fast, reference):
    """Why: the fast engine skips vocabulary-only nodes, pySHACL validates them; equal only if
    the vocabularies raise nothing on their own."""
    assert reference.validate(fast.sources.vocab).results == ()


def test_unknown_engine_rejected():
    with pytest.raises(ValueError):
        Validator(engine="nope")


def test_report_contract(corpus, fast):
    report = fast.validate(corpus["licence-literal.ttl"])
    assert isinstance(report, Report) and not report.conforms
    assert all(isinstance(r, ValidationResult) for r in report.results)
    d = report.to_dict()
    assert d["conforms"] is False and d["violations"] == len(report.violations)
    assert d["warnings"] == len(report.warnings)
    r = d["results"][0]
    assert set(r) == {"focus", "path", "value", "severity", "message", "shape"}
    assert r["severity"] == "Violation" and set(r["message"]) == {"fr", "en"}
    lic = [x for x in report.violations if x.path == "http://purl.org/dc/terms/license"]
    assert {x.value for x in lic} == {"Licence Ouverte 2.0"}  # literal as lexical form
    assert lic[0].focus == "https://data.ville-exemple.fr/dist1"


def test_custom_dirs(tmp_path, fast):
    from service.validation.loader import DEFAULT_SHAPES_DIR, DEFAULT_VOCAB_DIR

    (tmp_path / "s").mkdir()
    src = (DEFAULT_SHAPES_DIR / "dcat-ap-3.ttl").read_text()
    (tmp_path / "s" / "dcat-ap-3.ttl").write_text(src)
    v = Validator(shapes_dir=tmp_path / "s", vocab_dir=DEFAULT_VOCAB_DIR)
    assert len(v.sources.shapes) < len(fast.sources.shapes)


# -- the shared fixtures as oracles: real catalogues, records split as an import would ------------
FIXTURES = REPO_ROOT.parent / "shared" / "fixtures"
# (The DCAT-AP fixtures hold shapes only, no example data.)
FIXTURE_DIRS = [FIXTURES / "udata-dcat" / "dcat", FIXTURES / "ckanext-dcat" / "examples"]
SUFFIXES = {"xml": "rdfxml", "rdf": "rdfxml", "ttl": "turtle", "jsonld": "jsonld",
            "json": "jsonld", "nt": "ntriples"}


def fixture_documents() -> list[Path]:
    return sorted(p for d in FIXTURE_DIRS if d.is_dir() for p in d.iterdir()
                  if p.suffix.lstrip(".") in SUFFIXES)


def _parse(path: Path):
    from service.errors import SocleError
    from service.rdf.formats import BY_NAME
    from service.rdf.parse import parse_rdf

    syntax = BY_NAME[SUFFIXES[path.suffix.lstrip(".")]]
    try:
        return parse_rdf(path.read_bytes(), syntax, base_iri=f"https://fixture.test/{path.name}")
    except SocleError:
        return None  # e.g. a remote JSON-LD context: the service refuses it, nothing to compare


@pytest.mark.parametrize("path", fixture_documents(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_results_on_fixture_records(path: Path, fast, reference):
    """Each record of the catalogue (as the import cuts it), then the whole catalogue: the
    fast engine's results are pySHACL's, result by result."""
    from service.rdf.records import split_catalogue

    graph = _parse(path)
    if graph is None:
        pytest.skip(f"{path.name}: refused by the safe parser")
    records = split_catalogue(graph)
    for record in records:
        got, want = fast.validate(record.graph).results, reference.validate(record.graph).results
        assert set(got) == set(want), (path.name, str(record.root), set(got) ^ set(want))
    assert set(fast.validate(graph).results) == set(reference.validate(graph).results), path.name


def test_fixture_oracles_are_there():
    """The comparison above must not pass by finding nothing (34 documents, 55 records; three
    documents are refused by the safe parser: an undeclared prefix, a remote JSON-LD context,
    an IRI with a space)."""
    docs = fixture_documents()
    # A failure, not a skip: without ../shared the comparison above would pass vacuously.
    assert docs, f"shared fixtures not found under {FIXTURES}"
    parsed = [g for g in map(_parse, docs) if g is not None]
    assert len(parsed) >= 20
    from service.rdf.records import split_catalogue

    assert sum(len(split_catalogue(g)) for g in parsed) >= 40
