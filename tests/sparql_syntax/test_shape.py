"""The shape check on the cases where pyoxigraph (a PEG parser) reads more than the grammar, and
on the documented false positive: each case states what pyoxigraph does with the text."""

from __future__ import annotations

import pytest

from service.sparql.shape import shape, without_dataset_clause

BASE = "http://socle.test/sparql"


@pytest.mark.parametrize("text, form, service, default, named", [
    # pyoxigraph runs a keyword glued to the next one
    ("SELECT * {SERVICESILENT <http://x/> {}}", "SELECT", True, (), ()),
    ("SELECT*FROMNAMED<http://a>{}", "SELECT", False, (), ("http://a",)),
    ("ASKFROM<g>{}", "ASK", False, ("http://socle.test/g",), ()),
    ("insertdata{}", "UPDATE", False, (), ()),
    # a declared prefix after DESCRIBE is a resource, not FROM glued to a name
    ("PREFIX from: <http://f/> PREFIX : <http://e/> DESCRIBE from:x {}", "DESCRIBE", False,
     (), ()),
    ("PREFIX : <http://x/> DESCRIBE :a FROM :g", "DESCRIBE", False, ("http://x/g",), ()),
    # template first, then the dataset
    ("CONSTRUCT{ ?s ?p ?o }FROM <http://a> FROM NAMED <b> { ?s ?p ?o }", "CONSTRUCT", False,
     ("http://a",), ("http://socle.test/b",)),
    # codepoint escapes: read both ways, the stricter wins
    (r"SELECT * { \u0053ERVICE <http://x/> {} }", "SELECT", True, (), ()),
    # keywords that are not keywords
    ('SELECT * { ?s ?p "x"@add FILTER(?s != "y"@from) }', "SELECT", False, (), ()),
    (r"PREFIX ex: <http://e/> SELECT (ex:a\# AS ?z) FROM <http://g> {}", "SELECT", False,
     ("http://g",), ()),
    ("SELECT ?service ?from { ?s <http://e/SERVICE> 'SERVICE <x>' } # SERVICE", "SELECT", False,
     (), ()),
    # the documented false positive: a prefix named like SERVICE, used in the body
    ("PREFIX service: <http://s/> SELECT * { service:a ?p ?o }", "SELECT", True, (), ()),
    ("PREFIX service: <http://s/> SELECT * { ?s ?p ?o }", "SELECT", False, (), ()),
])
def test_shape(text, form, service, default, named):
    found = shape(text, BASE)
    assert (found.form, found.uses_service, found.default_graphs, found.named_graphs) == (
        form, service, default, named)


def test_without_dataset_clause_cuts_only_the_clauses():
    text = 'SELECT ("FROM <x>" AS ?v) FROM <http://a> FROM NAMED <http://b> WHERE { ?s ?p ?o }'
    assert " ".join(without_dataset_clause(text, shape(text)).split()) == (
        'SELECT ("FROM <x>" AS ?v) WHERE { ?s ?p ?o }')


def test_cost_bounds_nesting_and_chains():
    assert shape("SELECT * { ?s ?p ?o FILTER(?o > 1 && ?o < 5) }").cost < 10
    assert shape("SELECT * { FILTER(" + "||".join(["true"] * 600) + ") }").cost > 1000
    assert shape("SELECT (" + "(" * 1200 + "1" + ")" * 1200 + " AS ?x) {}").cost > 1000
    values = " ".join(f'"{i}"^^<http://www.w3.org/2001/XMLSchema#int>' for i in range(5000))
    assert shape(f"SELECT * {{ VALUES ?x {{ {values} }} }}").cost < 10
