"""The pages' vocabulary tables (service/web/vocabulary.py) read with Oxigraph's parser equal
an independent reading of the same files with rdflib: every concept, its notation and its
French and English labels, and the pickers' order."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SKOS

from service.config import VOCAB_DIR
from service.web.formats import collated
from service.web.vocabulary import SCHEMES, load


def _rdflib_reading(path: Path) -> dict[str, tuple[str | None, set[str], set[str]]]:
    graph = Graph().parse(path, format="turtle")
    found = {}
    for node in set(graph.subjects(RDF.type, SKOS.Concept)):
        notation = graph.value(node, SKOS.notation)
        labels = {lang: {str(v) for v in graph.objects(node, SKOS.prefLabel)
                         if isinstance(v, Literal) and v.language == lang}
                  for lang in ("fr", "en")}
        found[str(node)] = (None if notation is None else str(notation), labels["fr"],
                            labels["en"])
    return found


@pytest.mark.parametrize("picker", sorted(SCHEMES))
def test_each_table_equals_rdflibs_reading(picker):
    filename, with_notation = SCHEMES[picker]
    path = Path(VOCAB_DIR) / filename
    expected = _rdflib_reading(path)
    assert expected, f"{filename}: no concept"
    vocab = load(str(VOCAB_DIR))
    for iri, (notation, fr, en) in expected.items():
        concept = vocab.labels[iri]
        assert concept.notation == (notation or "")
        # one label per language in these files; a concept with only one language shows it
        assert concept.fr in (fr or en), iri
        assert concept.en in (en or fr), iri
    listed = [c for c in vocab.pickers[picker]]
    assert {c.iri for c in listed} == {iri for iri, (notation, _, _) in expected.items()
                                       if notation is not None or not with_notation}
    for lang in ("fr", "en"):
        choices = vocab.choices(picker, lang)
        assert choices == collated(listed, key=lambda c: c.label(lang))


def test_labels_of_every_language_present():
    concept = load(str(VOCAB_DIR)).labels[
        "http://publications.europa.eu/resource/authority/data-theme/ENVI"]
    assert (concept.fr, concept.en) == ("Environnement", "Environment")
