"""Where curators see the score: dataset page, publisher page (chart), curator dashboard,
territories dashboard (per commune); French first, English on request."""

from __future__ import annotations

from service.auth.tokens import create_token
from service.catalog.publishers import add_publisher
from service.quality import keeper
from tests.conftest import BASE, VALID_TTL
from tests.web.conftest import curator, logged_in  # noqa: F401 - fixtures

HTML = {"Accept": "text/html"}


def post(client, token, body=VALID_TTL):
    response = client.post("/datasets", data=body.encode(), headers={
        "Authorization": f"Bearer {token}", "Content-Type": "text/turtle"})
    assert response.status_code == 201
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_dataset_page_shows_score_and_fixes_by_gain(client, token):
    record_id = post(client, token)
    page = client.get(f"/datasets/{record_id}", headers=HTML).text
    assert "Qualité des métadonnées" in page and "/ 405" in page
    first = page.index("+50")
    assert first < page.index("+30") < page.index("+20")
    assert "liens pas encore vérifiés" in page
    english = client.get(f"/datasets/{record_id}?lang=en", headers=HTML).text
    assert "To earn points" in english and "Pour gagner des points" not in english


def test_publisher_page_has_score_over_time_chart(client, svc, token):
    post(client, token)
    keeper.rescore_all(svc.store)  # snapshots today's score
    page = client.get("/publishers/montfort", headers=HTML).text
    assert "Qualité des métadonnées" in page and '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'class="quality-chart"' in page and "<script" not in page.split("quality-chart")[1]
    assert "/publishers/montfort/quality" in page


def test_curator_dashboard_shows_score(logged_in, svc, publisher):  # noqa: F811
    token = create_token(svc.files, publisher)
    post(logged_in, token)
    page = logged_in.get("/curator/", headers=HTML).text
    assert "Qualité des métadonnées" in page and "+50" in page


def test_territories_dashboard_per_commune(client, svc):
    pub = add_publisher(svc.store, BASE, "montfort-sur-meu", "Montfort-sur-Meu", "213501885")
    post(client, create_token(svc.files, pub))
    page = client.get("/territories", headers=HTML).text
    assert "Qualité MQA" in page and 'href="/publishers/montfort-sur-meu/quality"' in page
