"""The sh:sparql shortcuts of the fast engine never change a result.

Two shortcuts (service/validation/sparql_precheck.py): a query is not run when one of its
mandatory triple patterns cannot match the record, and the store it runs on holds only the
triples whose predicates it can match. Each query below is a trap for one of them: if a
shortcut were unsound, a record here would lose (or gain) a result.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from service.validation import Validator, plan
from service.validation.loader import DEFAULT_VOCAB_DIR
from service.validation.sparql_precheck import mandatory_patterns, query_predicates

PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
"""
DCAT, DCT = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"

RECORDS = {
    "scdl-no-schema": 'ex:d a dcat:Dataset ; dcat:keyword "SCDL" .',
    "scdl-with-schema": 'ex:d a dcat:Dataset ; dcat:keyword "scdl" ; '
                        "dct:conformsTo <https://schema.data.gouv.fr/scdl/budget/> .",
    "scdl-other-schema": 'ex:d a dcat:Dataset ; dcat:keyword "scdl" ; '
                         "dct:conformsTo <https://example.org/schema> .",
    "keyword-and-title": 'ex:d a dcat:Dataset ; dcat:keyword "autre" ; dct:title "T"@fr .',
    "title-only": 'ex:d a dcat:Dataset ; dct:title "T"@fr .',
    "bare": "ex:d a dcat:Dataset .",
    # the keyword filter must see STR() of an IRI and lower-case beyond ASCII
    "scdl-iri-keyword": "ex:d a dcat:Dataset ; dcat:keyword <https://example.org/SCDL> .",
    "scdl-accented": 'ex:d a dcat:Dataset ; dcat:keyword "Données SCDL"@fr, "éducation"@fr .',
    "fullwidth": 'ex:d a dcat:Dataset ; dcat:keyword "ＳＣＤＬ" .',
    # KELVIN SIGN: beyond what sparql_filters lower-cases itself, its lower case is "k"
    "kelvin": 'ex:d a dcat:Dataset ; dcat:keyword "\u212aelvin" .',
}

# query -> the records it must flag
QUERIES = {
    # UNION: no pattern is mandatory
    "union": ("SELECT $this WHERE { { $this dcat:keyword ?k } UNION { $this dct:title ?k } }",
              {"scdl-no-schema", "scdl-with-schema", "scdl-other-schema", "keyword-and-title",
               "title-only", "scdl-iri-keyword", "scdl-accented", "fullwidth", "kelvin"}),
    # OPTIONAL + !BOUND: fires exactly when the optional pattern has no match
    "optional": ("SELECT $this WHERE { OPTIONAL { $this dcat:keyword ?k } FILTER (!BOUND(?k)) }",
                 {"title-only", "bare"}),
    # FILTERs on the keyword, evaluated in Python before the query (sparql_filters)
    "filter-or": ('SELECT $this WHERE { $this dcat:keyword ?k . FILTER (STRSTARTS(LCASE(?k), '
                  '"scd") || STRENDS(STR(?k), "tre")) }',
                  {"scdl-no-schema", "scdl-with-schema", "scdl-other-schema",
                   "keyword-and-title"}),
    "filter-kelvin": ('SELECT $this WHERE { $this dcat:keyword ?k . FILTER (STRSTARTS(LCASE(?k), '
                      '"k") || STRENDS(STR(?k), "zzz")) }', {"kelvin"}),
    "filter-not": ('SELECT $this WHERE { $this dcat:keyword ?k . '
                   'FILTER (!CONTAINS(LCASE(STR(?k)), "scdl")) }',
                   {"keyword-and-title", "scdl-accented", "fullwidth", "kelvin"}),
    # an aggregate over no row still gives one row
    "count": ("SELECT $this ?value WHERE { "
              "{ SELECT (COUNT(?k) AS ?value) WHERE { $this dcat:keyword ?k } } }", set(RECORDS)),
    # variable predicate, no IRI of dct:title in the query: needs the whole record
    "variable-predicate": ('SELECT $this WHERE { $this ?p ?o . '
                           'FILTER (STRENDS(STR(?p), "/title")) }',
                           {"keyword-and-title", "title-only"}),
    # a zero-length path matches $this itself, whatever the record holds
    "star-path": ("SELECT $this WHERE { $this dct:publisher* ?x . "
                  "FILTER NOT EXISTS { $this dcat:keyword ?k } }", {"title-only", "bare"}),
    # MINUS: only its left side is mandatory
    "minus": ("SELECT $this WHERE { $this dct:title ?t MINUS { $this dcat:keyword ?k } }",
              {"title-only"}),
    # the predicate of the NOT EXISTS must be in the reduced store, or every record fires
    "not-exists-in-and": ('SELECT $this WHERE { $this dcat:keyword ?k . '
                          'FILTER (CONTAINS(LCASE(STR(?k)), "scdl") && NOT EXISTS { '
                          '$this dct:conformsTo ?s . '
                          'FILTER (STRSTARTS(STR(?s), "https://schema.data.gouv.fr/")) }) }',
                          {"scdl-no-schema", "scdl-other-schema", "scdl-iri-keyword",
                           "scdl-accented"}),
}


def _shapes(tmp_path):
    lines = [PREFIXES]
    for i, (name, (query, _)) in enumerate(QUERIES.items()):
        query = query.replace("dcat:", DCAT).replace("dct:", DCT)
        query = query.replace(DCAT, f"<{DCAT}").replace(DCT, f"<{DCT}")
        query = _close_iris(query)
        lines.append(f"ex:S{i} a sh:NodeShape ; sh:targetClass dcat:Dataset ; "
                     f"sh:severity sh:Warning ; sh:sparql ex:C{i} .\n"
                     f'ex:C{i} a sh:SPARQLConstraint ; sh:message "{name}"@en, "{name}"@fr ; '
                     f'sh:select """{query}""" .\n')
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "traps.ttl").write_text("".join(lines))
    return tmp_path / "s"


def _close_iris(query: str) -> str:
    """dcat:keyword written as <http://...#keyword>: close each opened IRI at its end."""
    out, i = [], 0
    while i < len(query):
        ch = query[i]
        out.append(ch)
        if ch == "<" and query.startswith("http", i + 1):
            j = i + 1
            while j < len(query) and (query[j].isalnum() or query[j] in ":/#._-"):
                j += 1
            out.append(query[i + 1:j] + ">")
            i = j
            continue
        i += 1
    return "".join(out)


def _graph(name: str) -> Graph:
    return Graph().parse(data=PREFIXES + RECORDS[name], format="turtle")


@pytest.fixture(scope="module")
def trap_validators(tmp_path_factory):
    shapes = _shapes(tmp_path_factory.mktemp("traps"))
    optimised = Validator(shapes_dir=shapes, vocab_dir=DEFAULT_VOCAB_DIR)
    mp = pytest.MonkeyPatch()
    mp.setattr(plan, "compile_precheck", lambda query: None)
    mp.setattr(plan, "query_predicates", lambda query: None)
    try:
        plain = Validator(shapes_dir=shapes, vocab_dir=DEFAULT_VOCAB_DIR)
    finally:
        mp.undo()
    return optimised, plain


@pytest.mark.parametrize("record", sorted(RECORDS))
def test_shortcuts_change_no_result(record, trap_validators):
    optimised, plain = trap_validators
    # the engines' own results: a Report keeps one line per (focus, path, value, severity)
    got = optimised._engine.run(_graph(record))
    assert set(got) == set(plain._engine.run(_graph(record)))
    fired = {r.message_en for r in got}
    want = {name for name, (_, flagged) in QUERIES.items() if record in flagged}
    assert fired == want


def test_the_traps_are_armed():
    """Each trap query is one the shortcuts must leave alone (or get exactly right)."""
    def q(name: str) -> str:
        return _close_iris(QUERIES[name][0].replace("dcat:", f"<{DCAT}")
                           .replace("dct:", f"<{DCT}"))

    for name in ("union", "optional", "count", "star-path"):
        assert mandatory_patterns(q(name)) == [], name
    for name in ("variable-predicate", "star-path"):
        assert query_predicates(q(name)) is None, name
    assert query_predicates(q("not-exists-in-and")) == {
        URIRef(f"{DCAT}keyword"), URIRef(f"{DCT}conformsTo")}
    assert [str(p) for _s, p, _o in mandatory_patterns(q("minus"))] == [f"{DCT}title"]
    for text in ("SELECT $this WHERE { GRAPH ?g { $this <https://e.org/p> ?o } }",
                 "SELECT $this WHERE { $this !<https://e.org/p> ?o }",
                 "SELECT $this FROM <https://e.org/g> WHERE { $this <https://e.org/p> ?o }",
                 "not sparql at all"):
        assert query_predicates(text) is None, text


@pytest.mark.parametrize("record", sorted(RECORDS))
def test_real_scdl_rule_as_pyshacl(record, fast, reference):
    """The shipped fr:scdl-conformsTo rule on the same records: the reference's results."""
    g = _graph(record)
    got = fast.validate(g).results
    assert set(got) == set(reference.validate(g).results)
    scdl = [r for r in got if r.shape and r.shape.endswith("#Dataset_SCDL_Shape")]
    assert bool(scdl) == (record in {"scdl-no-schema", "scdl-other-schema",
                                     "scdl-iri-keyword", "scdl-accented"})
