"""The generated corpus (corpus.py): a slice in CI; the full 10,000 by the command in its
docstring. Socle's shape check and rdflib agree on every request, and the requests sent to a
real endpoint never reach the listener every SERVICE of the corpus points at."""

from __future__ import annotations

import logging
import os

from tests.sparql_syntax.corpus import differences, generate
from tests.sparql_syntax.endpoint import run_against_endpoint

N = int(os.environ.get("SOCLE_SPARQL_CORPUS", "150"))


def test_corpus_slice_is_classified_like_rdflib():
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    diffs, counts = differences(generate(N, seed=1))
    assert counts["rdflib_invalid"] == 0, diffs[:1]
    assert counts["service"] and counts["updates"] and counts["from"]
    assert diffs == []


def test_corpus_slice_through_the_endpoint_never_connects():
    figures = run_against_endpoint(seed=1, n=N)
    assert figures["connections"] == 0
    assert figures["status_5xx"] == 0
    assert figures["unexpected"] == 0, figures["first_unexpected"]
    assert figures["statuses"].get(403, 0) > 0
