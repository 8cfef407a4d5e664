"""The fast engine gives exactly the pySHACL reference results, and is fast enough."""

import statistics
import time

import pytest

from service.validation import Report, ValidationResult, Validator


def test_same_results_on_whole_corpus(corpus, fast, reference):
    for name, g in corpus.items():
        assert set(fast.validate(g).results) == set(reference.validate(g).results), name


def test_vocabularies_alone_conform(fast, reference):
    """Why: the fast engine skips vocabulary-only nodes, pySHACL validates them; equal only if
    the vocabularies raise nothing on their own."""
    assert reference.validate(fast.sources.vocab).results == ()


def test_fast_engine_speed(corpus, fast):
    g = corpus["valid-full.ttl"]
    times = []
    for _ in range(30):
        t = time.perf_counter()
        fast.validate(g)
        times.append(time.perf_counter() - t)
    assert statistics.median(times) < 0.025  # target ~10 ms, generous bound for slow CI


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
