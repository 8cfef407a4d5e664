"""One language per page: French pages in French, English pages in English, with plurals,
locale numbers and dates, French collation, vocabulary labels for every IRI shown, and only
the remarks a curator can act on."""

from __future__ import annotations

import re

import pytest

from tests.conftest import VALID_TTL, post_ttl
from tests.web.test_curator_http import GOOD, _form

NNBSP = "\u202f"  # CLDR's French thousands separator
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def demo(demo_app):
    return demo_app.test_client()


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _ids(demo) -> list[str]:
    return [i["id"] for i in demo.get("/datasets?limit=100").get_json()["items"]]


def test_no_bilingual_text_or_plural_brackets_in_french_pages(demo):
    ids = _ids(demo)
    for path in ["/", "/search", "/publishers", "/publishers/montfort-sur-meu", "/territories",
                 "/territories/243500550", "/validation", *[f"/datasets/{i}" for i in ids]]:
        sep = "&" if "?" in path else "?"
        main = _main(demo.get(f"{path}{sep}lang=fr", headers=HTML).get_data(as_text=True))
        assert "(s)" not in main and "(x)" not in main, path
        assert not re.search(r"\s/ [a-z]", re.sub(r"<[^>]+>", " ", main)), path
        assert 'lang="en"' not in main, path


def test_english_pages_are_english(demo):
    for path in ["/territories", "/territories/243500550", "/publishers", "/"]:
        main = _main(demo.get(f"{path}?lang=en", headers=HTML).get_data(as_text=True))
        for french in ("Probablement", "Communes membres", "jeux de données", "Éditeurs",
                       "Tous les territoires"):
            assert french not in main, (path, french)
        assert not re.search(r"[a-z] / [a-zA-Z]", main), path  # "fr / en" pairs


def test_every_iri_shown_has_a_label_and_values_are_formatted(demo):
    for record in _ids(demo):
        main = _main(demo.get(f"/datasets/{record}?lang=fr", headers=HTML).get_data(
            as_text=True))
        shown = re.findall(r'<a href="[^"]+">([^<]+)</a>', main)
        raw = [s for s in shown if s.startswith(("http://publications.europa.eu",
                                                 "https://www.iana.org", "http://id.insee"))]
        assert raw == [], (record, raw)
        assert "dcatap:availability" not in main and "Taille (octets)" not in main
        assert not re.search(r"<td>\d{4}-\d{2}-\d{2}", main), record  # dates in words
        assert not re.search(r"<dd>\d{4}-\d{2}-\d{2}", main), record
    main = _main(demo.get("/datasets/breteil-prenoms-nouveaux-nes?lang=fr",
                          headers=HTML).get_data(as_text=True))
    assert "Disponibilité prévue" in main and ">stable<" in main and ">text/csv<" in main
    assert ">français<" in main  # vocab/languages.ttl
    assert re.search(rf"\d{NNBSP}\d{{3}} octets", main)  # 7 841 octets
    english = _main(demo.get("/datasets/breteil-prenoms-nouveaux-nes?lang=en",
                             headers=HTML).get_data(as_text=True))
    assert "Planned availability" in english and re.search(r"\d,\d{3} bytes", english)
    assert "janv." not in english and "Octets" not in english


def test_themes_are_sorted_the_french_way(client, logged_in):
    _, html = _form(logged_in)
    themes = re.findall(r'name="themes" value="[^"]+"[^>]*> <label class="inline" '
                        r'for="[^"]+">([^<]+)</label>', html)
    assert themes, "theme checkboxes"
    economy, transport = themes.index("Économie et finances"), themes.index("Transports")
    assert economy < transport and themes[0].startswith("Agriculture")
    _, english = _form(logged_in, "/curator/datasets/new?lang=en")
    labels = re.findall(r'name="themes" value="[^"]+"[^>]*> <label class="inline" '
                        r'for="[^"]+">([^<]+)</label>', english)
    assert labels == sorted(labels, key=str.casefold)


def test_form_errors_in_one_language(logged_in):
    token, _ = _form(logged_in)
    r = logged_in.post("/curator/datasets/new", data={
        **GOOD, "contact_email": "pas-une-adresse", "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Adresse électronique invalide." in html
    assert "Invalid e-mail address" not in html
    token, _ = _form(logged_in, "/curator/datasets/new?lang=en")
    html = logged_in.post("/curator/datasets/new?lang=en", data={
        **GOOD, "contact_email": "nope", "csrf_token": token}).get_data(as_text=True)
    assert "Invalid e-mail address." in html and "Adresse électronique" not in html


def test_validation_page_in_one_language(client):
    body = VALID_TTL.replace(
        'dct:description "Liste des délibérations adoptées par le conseil municipal."@fr ;', "")
    fr = client.post("/validation", data={"text": body, "syntax": "turtle"}).get_data(
        as_text=True)
    assert "1 erreur bloquante" in fr and "violation" not in _main(fr).lower()
    en = client.post("/validation?lang=en", data={"text": body, "syntax": "turtle"}).get_data(
        as_text=True)
    assert "1 violation" in en and "erreur" not in _main(en).lower()


def test_remarks_only_where_the_curator_can_act(client, svc, auth):
    """FRA, STABLE, an IANA media type and an INSEE commune are Socle's own references: no
    remark. A planned availability that does not exist is one the curator can fix: shown."""
    body = VALID_TTL.replace(
        "dct:issued", "dct:language <http://publications.europa.eu/resource/authority/"
        "language/FRA> ;\n  dct:issued").replace(
        "dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;",
        "dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;\n"
        "    dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> ;\n"
        "    <http://data.europa.eu/r5r/availability> <http://publications.europa.eu/resource/"
        "authority/planned-availability/STABLE> ;")
    assert post_ttl(client, body, auth).status_code == 201
    html = client.get("/datasets/deliberations-montfort", headers=HTML).get_data(as_text=True)
    assert "Remarques" not in html and "vocabulaires de référence" not in html
    wrong = body.replace('"deliberations-montfort"', '"autre"').replace(
        "planned-availability/STABLE", "planned-availability/FOREVER")
    r = post_ttl(client, wrong, auth)
    assert r.status_code == 201, r.get_data(as_text=True)
    html = client.get("/datasets/autre", headers=HTML).get_data(as_text=True)
    assert "Remarques (1)" in html
