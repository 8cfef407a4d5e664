"""Curator pages at the HTTP level: login, CSRF, ownership, bad input, the form round trip."""

from __future__ import annotations

import re

from service.auth.curators import authenticate
from tests.conftest import BASE
from tests.web.conftest import PASSWORD, _csrf


def _form(client, path="/curator/datasets/new"):
    html = client.get(path).get_data(as_text=True)
    return _csrf(html), html


GOOD = {
    "title": "Budget primitif 2025", "description": "Budget primitif voté par le conseil.",
    "keywords": "budget, finances", "licence": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "frequency": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    "themes": "http://publications.europa.eu/resource/authority/data-theme/GOVE",
    "spatial": "35188", "contact_name": "Mairie", "contact_email": "mairie@example.fr",
    "temporal_start": "2024-01-01", "temporal_end": "2024-12-31",
    "dist-0-title": "Budget (CSV)", "dist-0-url": "https://data.example.fr/budget.csv",
    "dist-0-format": "http://publications.europa.eu/resource/authority/file-type/CSV",
    "action": "save",
}


def test_password_is_hashed_with_scrypt_outside_the_store(svc, curator, tmp_path):
    text = (tmp_path / "data" / "socle-curators.json").read_text()
    assert PASSWORD not in text and '"kdf": "scrypt"' in text
    assert authenticate(svc.files, "alice", PASSWORD).publisher == "montfort"
    assert authenticate(svc.files, "alice", "wrong password") is None
    rows = svc.store.select('SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?o), '
                            '"scrypt") || CONTAINS(STR(?o), "alice")) }')
    assert rows == []


def test_wrong_password_is_refused(client, curator):
    token = _csrf(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"login": "alice", "password": "nope-nope",
                                    "csrf_token": token})
    assert r.status_code == 401 and "incorrect" in r.get_data(as_text=True)
    assert client.get("/curator/").status_code == 302


def test_curator_pages_need_a_login(client):
    r = client.get("/curator/datasets/new")
    assert r.status_code == 302 and "/login?next=" in r.headers["Location"]


def test_missing_csrf_token_is_400_and_stores_nothing(logged_in, snapshot):
    before = snapshot()
    r = logged_in.post("/curator/datasets/new", data=GOOD)
    assert r.status_code == 400
    assert "text/html" in r.content_type and "Jeton de sécurité" in r.get_data(as_text=True)
    r = logged_in.post("/curator/datasets/new", data={**GOOD, "csrf_token": "forged"})
    assert r.status_code == 400
    assert snapshot() == before


def test_login_itself_needs_the_csrf_token(client, curator):
    client.get("/login")
    r = client.post("/login", data={"login": "alice", "password": PASSWORD})
    assert r.status_code == 400


def test_create_then_edit_keeps_what_the_form_does_not_show(logged_in, svc):
    token, _ = _form(logged_in)
    r = logged_in.post("/curator/datasets/new", data={**GOOD, "csrf_token": token})
    assert r.status_code == 302 and "/curator/datasets/budget-primitif-2025/edit" in \
        r.headers["Location"]
    meta = svc.records.meta("budget-primitif-2025")
    assert meta.publisher == "montfort" and meta.validation["conforms"]
    # The record shows up in search at once (the index observes writes).
    html = logged_in.get("/search?q=budget").get_data(as_text=True)
    assert "Budget primitif 2025" in html
    # Edit: change the title; an English title added by the API survives.
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS

    graph = svc.records.graph(meta)
    graph.add((URIRef(meta.iri), DCTERMS.title, Literal("2025 budget", lang="en")))
    svc.records.replace("montfort", meta.id, graph)
    token, html = _form(logged_in, f"/curator/datasets/{meta.id}/edit")
    assert 'value="Budget primitif 2025"' in html
    node = re.search(r'name="dist-0-node" value="([^"]+)"', html).group(1)
    r = logged_in.post(f"/curator/datasets/{meta.id}/edit", data={
        **GOOD, "title": "Budget primitif 2025 (voté)", "dist-0-node": node,
        "csrf_token": token})
    assert r.status_code == 302
    graph = svc.records.graph(svc.records.meta(meta.id))
    titles = {(str(o), o.language) for o in graph.objects(URIRef(meta.iri), DCTERMS.title)}
    period = graph.value(URIRef(meta.iri), DCTERMS.temporal)
    assert str(graph.value(period, URIRef("http://www.w3.org/ns/dcat#endDate"))) == "2024-12-31"
    assert titles == {("Budget primitif 2025 (voté)", "fr"), ("2025 budget", "en")}
    assert len(list(graph.objects(URIRef(meta.iri), URIRef(
        "http://www.w3.org/ns/dcat#distribution")))) == 1


def test_violation_shows_the_form_again_with_everything_typed(logged_in, svc, snapshot):
    token, _ = _form(logged_in)
    before = snapshot()
    r = logged_in.post("/curator/datasets/new", data={**GOOD, "description": "",
                                                      "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert snapshot() == before
    # Everything typed is still there.
    assert 'value="Budget primitif 2025"' in html and 'value="budget, finances"' in html
    assert 'value="https://data.example.fr/budget.csv"' in html and 'value="35188"' in html
    # The French message sits right after the description field.
    after = html[html.index('id="description"'):]
    assert 'aria-invalid="true"' in after[:200]
    block = after[:after.index('<label for="identifier"')]
    assert 'class="field-error"' in block and "description" in block.lower()


def test_local_input_errors_are_beside_their_field(logged_in):
    token, _ = _form(logged_in)
    r = logged_in.post("/curator/datasets/new", data={
        **GOOD, "dist-0-url": "pas une adresse", "spatial": "Saint-Denis", "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="err-dist-0-url"' in html and 'id="err-spatial"' in html
    assert "désigne plusieurs territoires" in html  # homonyms listed with their codes


def test_spatial_coverage_by_name_or_code_becomes_insee_iris(logged_in, svc):
    """Names (with spaces), codes and an EPCI, separated by `;`: INSEE IRIs, labelled on the
    dataset page from the territories registry."""
    token, _ = _form(logged_in)
    r = logged_in.post("/curator/datasets/new", data={
        **GOOD, "spatial": "La Chapelle-Thouarault; 35188 ; Rennes Métropole",
        "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS

    meta = svc.records.meta("budget-primitif-2025")
    spatial = set(map(str, svc.records.graph(meta).objects(URIRef(meta.iri), DCTERMS.spatial)))
    assert spatial == {"http://id.insee.fr/geo/commune/35065",
                       "http://id.insee.fr/geo/commune/35188",
                       "http://id.insee.fr/geo/intercommunalite/243500139"}
    page = logged_in.get("/datasets/budget-primitif-2025",
                         headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "La Chapelle-Thouarault" in page and "Rennes Métropole" in page


def test_add_a_distribution_without_javascript(logged_in):
    token, _ = _form(logged_in)
    r = logged_in.post("/curator/datasets/new", data={**GOOD, "action": "add-distribution",
                                                      "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'name="dist-1-url"' in html and 'value="https://data.example.fr/budget.csv"' in html


def test_other_publishers_record_is_403(logged_in, svc, other_publisher, valid_ttl):
    from service.rdf.formats import TURTLE
    from service.rdf.parse import parse_rdf

    other = svc.records.create("iffendic", parse_rdf(valid_ttl.encode(), TURTLE)).meta
    assert logged_in.get(f"/curator/datasets/{other.id}/edit").status_code == 403
    token, _ = _form(logged_in)
    for path in (f"/curator/datasets/{other.id}/edit", f"/curator/datasets/{other.id}/delete"):
        r = logged_in.post(path, data={**GOOD, "confirm": "yes", "csrf_token": token})
        assert r.status_code == 403 and "text/html" in r.content_type
    assert svc.records.meta(other.id).publisher == "iffendic"


def test_delete_needs_confirmation(logged_in, svc):
    token, _ = _form(logged_in)
    logged_in.post("/curator/datasets/new", data={**GOOD, "csrf_token": token})
    r = logged_in.post("/curator/datasets/budget-primitif-2025/delete",
                       data={"csrf_token": token})
    assert r.status_code == 400 and svc.records.meta("budget-primitif-2025")
    r = logged_in.post("/curator/datasets/budget-primitif-2025/delete",
                       data={"csrf_token": token, "confirm": "yes"})
    assert r.status_code == 302
    assert logged_in.get("/datasets/budget-primitif-2025",
                         headers={"Accept": "text/html"}).status_code == 404
    assert "Budget primitif" not in logged_in.get("/search?q=budget").get_data(as_text=True)


def test_oversized_upload_is_413(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    r = client.post("/validation", data={"text": "x" * 5000})
    assert r.status_code == 413 and "text/html" in r.content_type
    assert "trop volumineux" in r.get_data(as_text=True)


def test_validation_page_reports_in_french(client, valid_ttl):
    r = client.post("/validation", data={"text": valid_ttl.replace(
        'dct:description "Liste des délibérations adoptées par le conseil municipal."@fr ;', ""),
        "syntax": "turtle"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Non conforme" in html and "description" in html
    r = client.post("/validation", data={"text": "@prefix x: <", "syntax": "turtle"})
    assert r.status_code == 400 and "Ligne" in r.get_data(as_text=True)


def test_logout_needs_csrf_and_ends_the_session(logged_in):
    assert logged_in.post("/logout").status_code == 400
    token, _ = _form(logged_in, "/curator/")
    assert logged_in.post("/logout", data={"csrf_token": token}).status_code == 302
    assert logged_in.get("/curator/").status_code == 302


def test_base_iri_of_minted_records(logged_in, svc):
    token, _ = _form(logged_in)
    logged_in.post("/curator/datasets/new", data={**GOOD, "csrf_token": token})
    assert svc.records.meta("budget-primitif-2025").iri == f"{BASE}/datasets/budget-primitif-2025"
