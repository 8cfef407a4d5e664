"""Every shape speaks French and English, and every result carries both messages."""

from rdflib.namespace import RDF, SH

from service.validation.compiler import messages_of


def test_every_shape_has_fr_and_en_message(fast):
    g = fast.sources.shapes
    shapes = set(g.subjects(RDF.type, SH.PropertyShape)) | set(g.objects(None, SH.sparql))
    missing = []
    for s in shapes:
        langs = {m.language for m in g.objects(s, SH.message)}
        if not {"fr", "en"} <= langs:
            missing.append(s)
    assert missing == []
    assert len(shapes) > 300


def test_every_result_has_both_messages(corpus, fast):
    for name, g in corpus.items():
        for r in fast.validate(g).results:
            assert r.message_fr and r.message_en and r.message_fr != r.message_en, (name, r)
            assert r.severity in ("Violation", "Warning", "Info")


def test_curator_wording(corpus, fast):
    r = fast.validate(corpus["missing-title.ttl"]).violations[0]
    assert r.message_fr == "Ajoutez un titre (dct:title) au jeu de données."
    assert r.message_en == "Add a title (dct:title) to the dataset."
    assert messages_of(fast.sources.shapes, None) is None
