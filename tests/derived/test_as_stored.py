"""`Store.as_stored` and `Store.stored_form` (the derived store takes a bulk write's graphs
from them instead of reading them back: from their text, or from their terms in the import's
worker processes) give what reading the graph back gives, on every backend that answers."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

from service.store import PutGraph
from service.store.base import NTriples
from service.store.oxigraph import OxigraphStore
from tests.conftest import SHARED

XSD = "http://www.w3.org/2001/XMLSchema#"
S, P = "<https://ex.org/s>", "<https://ex.org/p>"
# Typed literals Oxigraph keeps by value (read back in another form or datatype), invalid
# lexical forms (kept as written), strings, language tags, IRIs.
OBJECTS = [f'"{v}"^^<{XSD}{d}>' for v, d in [
    ("05312", "nonNegativeInteger"), ("5312", "integer"), ("+5", "integer"), ("1.50", "decimal"),
    ("-0", "decimal"), ("1e3", "double"), ("1E3", "float"), ("NaN", "double"), ("1", "boolean"),
    ("true", "boolean"), ("2024-03-01T10:00:00+00:00", "dateTime"),
    ("2024-03-01T10:00:00.000Z", "dateTime"), ("2024-03-01", "date"),
    ("2024-03-01+00:00", "date"), ("2024", "gYear"), ("P1Y0M", "duration"),
    ("PT24H", "dayTimeDuration"), ("abc", "integer"), ("", "date"), ("0012", "long"),
    ("0012", "short"), ("x", "anyURI"), ("x", "string"), ("3", "unknownType")]] + [
    '"05312"^^<https://ex.org/own>', '"Titre"@fr', '"Titre"@FR-be', '"plain"',
    '"échappé \\"\\n\\t"', "<https://ex.org/o>"]
# Two lexical forms of one value: the store keeps the triple once.
DUPLICATES = [f'"5"^^<{XSD}integer>', f'"+5"^^<{XSD}integer>', f'"05"^^<{XSD}integer>']


def text_of(objects: list[str]) -> str:
    return "\n".join(f"{S} {P} {o} ." for o in objects)


def from_terms(store, text: str) -> set[str]:
    """What `stored_form` gives from the text's terms (each triple once)."""
    form = store.stored_form()
    got = form([q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)])
    assert len(got) == len({str(t) for t in got})
    return {str(t) for t in got}


def read_back(store, text: str) -> set[str]:
    store.apply([PutGraph("https://ex.org/g", NTriples(text))])
    return {str(t) for t in store.triples(["https://ex.org/g"])}


@pytest.mark.parametrize("on_disk", [False, True])
@pytest.mark.parametrize("objects", [OBJECTS, DUPLICATES], ids=["forms", "duplicates"])
def test_as_stored_equals_reading_back(tmp_path, on_disk: bool, objects: list[str]):
    store = OxigraphStore(str(tmp_path / "s") if on_disk else None)
    try:
        text = text_of(objects)
        got = store.as_stored(text)
        assert got is not None and len(got) == len({str(t) for t in got})  # each once
        assert {str(t) for t in got} == read_back(store, text)
        assert {str(t) for t in store.as_stored(text) or []} == read_back(store, text)  # memo
        assert from_terms(store, text) == read_back(store, text)
        assert from_terms(store, text) == read_back(store, text)  # memo
    finally:
        store.close()


def test_as_stored_equals_reading_back_a_generated_catalogue(tmp_path):
    """Every literal form of ../shared/generators/dcat_catalogue.py's records."""
    text = subprocess.run([sys.executable, str(SHARED / "generators" / "dcat_catalogue.py"),
                           "--n", "20", "--seed", "3", "--format", "nt"],
                          capture_output=True, check=True).stdout.decode()
    lines = [line for line in text.splitlines() if line and "_:" not in line]
    store = OxigraphStore(None)
    try:
        assert {str(t) for t in store.as_stored("\n".join(lines)) or []} == \
            read_back(store, "\n".join(lines))
        assert from_terms(store, "\n".join(lines)) == read_back(store, "\n".join(lines))
    finally:
        store.close()


def test_the_page_cache_holds_several_feed_pages(tmp_path):
    """A feed page's rows are ~2 MB: the connection's page cache is set above SQLite's 2 MB
    default, so a page asked again is read from memory."""
    from service.derived.store import CACHE_KIB, DerivedStore

    derived = DerivedStore(str(tmp_path / "derived.sqlite3"))
    try:
        with derived.reading() as db:
            assert db.execute("PRAGMA cache_size").fetchone()[0] == -CACHE_KIB
        assert CACHE_KIB * 1024 >= 3 * 2_500_000
    finally:
        derived.close()
