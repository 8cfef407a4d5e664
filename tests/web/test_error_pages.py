"""Errors: an HTML page in the reader's language for browsers, problem+json for API clients,
on every route, decided by `Accept`; and the publishers index page."""

from __future__ import annotations

import pytest

from tests.conftest import post_ttl

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CURL = {"Accept": "*/*"}


def _page(r, status: int) -> str:
    assert r.status_code == status
    assert r.content_type.startswith("text/html"), r.content_type
    html = r.get_data(as_text=True)
    assert f"(erreur {status})" in html or f"(error {status})" in html
    alert = html.split('role="alert"')[1].split("</div>")[0]
    assert " — " not in alert  # one language: not the bilingual "fr — en" detail
    return html


def _problem(r, status: int) -> dict:
    assert r.status_code == status
    assert r.content_type.startswith("application/problem+json"), r.content_type
    body = r.get_json()
    assert body["status"] == status and body["detail_fr"] and body["detail_en"]
    return body


@pytest.mark.parametrize("path", ["/datasets/nexistepas", "/territories/999999999",
                                  "/nowhere", "/datasets/x.ttl", "/publishers/personne"])
def test_404_is_a_page_for_browsers_and_a_problem_for_clients(client, path):
    html = _page(client.get(path, headers=BROWSER), 404)
    assert '<html lang="fr">' in html
    _problem(client.get(path, headers={"Accept": "application/json"}), 404)
    if path != "/publishers/personne":  # a page's own route: HTML unless JSON is asked
        _problem(client.get(path, headers=CURL), 404)
        _problem(client.get(path), 404)


def test_error_page_in_english_is_english_only(client):
    r = client.get("/datasets/nexistepas?lang=en", headers=BROWSER)
    html = _page(r, 404)
    assert '<html lang="en">' in html and "No dataset" in html and "Aucun jeu" not in html
    fr = _page(client.get("/datasets/nexistepas?lang=fr", headers=BROWSER), 404)
    assert "Aucun jeu de données" in fr and "No dataset" not in fr


def test_403_401_405_413_and_500(client, app, svc, auth, other_token, valid_ttl,
                                 monkeypatch):
    assert post_ttl(client, valid_ttl, auth).status_code == 201
    other = {"Authorization": f"Bearer {other_token}", "Content-Type": "text/turtle"}
    r = client.put("/datasets/deliberations-montfort", data=valid_ttl,
                   headers={**other, **BROWSER})
    assert "appartient à l&#39;éditeur" in _page(r, 403)
    _problem(client.put("/datasets/deliberations-montfort", data=valid_ttl, headers=other), 403)

    r = client.post("/datasets", data=valid_ttl,
                    headers={"Content-Type": "text/turtle", **BROWSER})
    _page(r, 401)
    assert r.headers["WWW-Authenticate"].startswith("Bearer")

    r = client.delete("/search", headers=BROWSER)
    _page(r, 405)
    assert "GET" in r.headers["Allow"]
    _problem(client.delete("/search"), 405)

    app.config["MAX_CONTENT_LENGTH"] = 1000
    r = post_ttl(client, "x" * 5000, {**auth, **BROWSER})
    assert "trop volumineux" in _page(r, 413)
    _problem(post_ttl(client, "x" * 5000, auth), 413)
    app.config["MAX_CONTENT_LENGTH"] = 10_000_000

    def boom(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr("service.web.public_views.search_index", boom)
    r = client.get("/publishers/montfort", headers=BROWSER)
    assert "été enregistré" in _page(r, 500) and "boom" not in r.get_data(as_text=True)
    _problem(client.get("/publishers/montfort"), 500)


def test_error_pages_carry_the_security_headers(client):
    r = client.get("/nowhere", headers=BROWSER)
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]


def test_publishers_index(client, svc, publisher, other_publisher, auth, valid_ttl):
    from service.catalog.publishers import add_publisher

    add_publisher(svc.store, "http://socle.test", "ecole", "École de musique", None)
    add_publisher(svc.store, "http://socle.test", "zoo", "Zoo de Trémelin", None)
    assert post_ttl(client, valid_ttl, auth).status_code == 201
    r = client.get("/publishers", headers=BROWSER)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and html.count('href="/publishers/') >= 4
    names = ["Commune d&#39;Iffendic", "Commune de Montfort-sur-Meu", "École de musique",
             "Zoo de Trémelin"]
    assert [html.index(n) for n in names] == sorted(html.index(n) for n in names)
    assert "1 jeu de données" in html and "0 jeu de données" in html
    assert "4 éditeurs" in html
    items = client.get("/publishers").get_json()["items"]
    assert [i["id"] for i in items] == ["iffendic", "montfort", "ecole", "zoo"]
    assert {i["id"]: i["datasets"] for i in items}["montfort"] == 1
    # The breadcrumb of a publisher page links to it.
    assert 'href="/publishers"' in client.get("/publishers/montfort").get_data(as_text=True)
