"""The W3C SPARQL 1.1 syntax suites (vendored under w3c/, see w3c/README.md) and the queries and
updates of the W3C evaluation suites: Socle's shape check agrees with the manifests and with
rdflib, and the endpoint refuses every negative test (400 or 403), never answering 5xx."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from service.sparql.shape import QUERY_FORMS, shape
from tests.sparql_syntax.corpus import BASE
from tests.sparql_syntax.endpoint import endpoint_app, send
from tests.sparql_syntax.reference import classify, socle_view

W3C = Path(__file__).parent / "w3c"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
KINDS = {"PositiveSyntaxTest11": ("query", True), "NegativeSyntaxTest11": ("query", False),
         "PositiveUpdateSyntaxTest11": ("update", True),
         "NegativeUpdateSyntaxTest11": ("update", False)}


def _manifest_tests() -> list[tuple[str, str, bool]]:
    """(file, kind, positive) of every syntax test of the four vendored manifests."""
    import rdflib

    out = []
    for manifest in sorted(W3C.glob("syntax-*/manifest.ttl")):
        graph = rdflib.Graph().parse(manifest, format="turtle",
                                     publicID=manifest.resolve().as_uri())
        for test, kind in graph.subject_objects(rdflib.RDF.type):
            name = str(kind).removeprefix(MF)
            if name not in KINDS:
                continue
            action = graph.value(test, rdflib.URIRef(MF + "action"))
            path = Path(str(action).removeprefix("file://"))
            out.append((str(path.relative_to(W3C)), *KINDS[name]))
    return sorted(out)


TESTS = _manifest_tests()
# Updates with no operation at all: nothing to refuse as an update; the query parser says 400.
EMPTY_UPDATES = {f"syntax-update-1/syntax-update-{n}.ru" for n in (38, 39, 40)}
EVAL = sorted(str(p.relative_to(W3C)) for p in W3C.glob("eval/*/*") if p.suffix in (".rq", ".ru"))


def _text(name: str) -> str:
    return (W3C / name).read_text(encoding="utf-8")


def test_the_vendored_suites_are_complete():
    positive = sum(1 for _, _, p in TESTS if p)
    assert len(TESTS) >= 150 and positive >= 100 and len(TESTS) - positive >= 40
    assert len(EVAL) >= 400


@pytest.mark.parametrize("name, kind, positive", [t for t in TESTS if t[2]],
                         ids=[t[0] for t in TESTS if t[2]])
def test_positive_syntax_test_has_the_right_shape(name, kind, positive):
    text = _text(name)
    found = shape(text, BASE)
    if kind == "update":
        assert found.form == ("UPDATE" if name not in EMPTY_UPDATES else None)
        return
    assert found.form in QUERY_FORMS
    expected = classify(text, BASE)
    if expected is not None:  # rdflib reads it too: same service flag and dataset
        assert socle_view(found) == expected


def test_evaluation_suite_queries_have_rdflibs_shape():
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    compared = 0
    for name in EVAL:
        text = _text(name)
        found = shape(text, BASE)
        if name.endswith(".ru"):
            assert found.form == "UPDATE", name
            continue
        assert found.form in QUERY_FORMS, name
        expected = classify(text, BASE)
        if expected is not None:
            assert socle_view(found) == expected, name
            compared += 1
    assert compared >= 300


def test_endpoint_answers_every_w3c_request_without_5xx():
    """Negative tests: 400 (parser) or 403 (update, SERVICE); positive: never 5xx, updates 403."""
    with endpoint_app() as app:
        client = app.test_client()
        for name, kind, positive in TESTS:
            response = send(client, _text(name))
            assert response.status_code < 500, (name, response.data[:300])
            if not positive:
                assert response.status_code in (400, 403), (name, response.status_code)
            elif kind == "update":
                assert response.status_code == (403 if name not in EMPTY_UPDATES else 400), name
            else:
                assert response.status_code in (200, 400, 403), name
        for name in EVAL:
            response = send(client, _text(name))
            assert response.status_code < 500, (name, response.data[:300])
