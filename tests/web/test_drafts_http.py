"""Drafts through the curator's form (HTTP level): "Enregistrer comme brouillon" keeps the
record non-public even with violations, the dashboard lists it with its fix list, the same form
publishes it; quarantined records are listed with their fixes too."""

from __future__ import annotations

from rdflib import Graph

from tests.conftest import VALID_TTL
from tests.web.conftest import _csrf
from tests.web.test_curator_http import GOOD

DRAFT = "budget-primitif-2025"


def _post(client, path, data):
    token = _csrf(client.get(path).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_draft_then_publish_through_the_form(logged_in, svc):
    new = logged_in.get("/curator/datasets/new").get_data(as_text=True)
    assert "Enregistrer comme brouillon" in new and ">Publier<" in new
    unfinished = {**GOOD, "description": "", "action": "draft"}
    r = _post(logged_in, "/curator/datasets/new", unfinished)
    assert r.status_code == 302 and f"/curator/datasets/{DRAFT}/edit" in r.headers["Location"]
    assert logged_in.get(f"/datasets/{DRAFT}").status_code == 404
    assert "Budget primitif" not in logged_in.get("/search?q=budget").get_data(as_text=True)
    dashboard = logged_in.get("/curator/").get_data(as_text=True)
    assert "Brouillons (1)" in dashboard and "Ajoutez une description" in dashboard
    page = logged_in.get(f"/curator/datasets/{DRAFT}/edit").get_data(as_text=True)
    assert "Brouillon" in page and "erreur bloquante à corriger avant de publier" in page
    # "Publier" with the description still missing: refused, still a draft.
    r = _post(logged_in, f"/curator/datasets/{DRAFT}/edit", {**unfinished, "action": "save"})
    assert r.status_code == 422
    assert svc.records.list_private("montfort")[0] == 1
    r = _post(logged_in, f"/curator/datasets/{DRAFT}/edit", {**GOOD, "action": "save"})
    assert r.status_code == 302
    assert svc.records.meta(DRAFT).validation["conforms"]
    assert svc.records.list_private("montfort")[0] == 0
    assert "Budget primitif 2025" in logged_in.get("/search?q=budget").get_data(as_text=True)
    published = logged_in.get(f"/curator/datasets/{DRAFT}/edit").get_data(as_text=True)
    assert "Enregistrer comme brouillon" not in published  # a public record stays public


def test_english_page_speaks_english(logged_in):
    page = logged_in.get("/curator/datasets/new?lang=en").get_data(as_text=True)
    assert "Save as draft" in page and ">Publish<" in page
    assert "brouillon" not in page


def test_quarantined_records_are_listed_with_their_fixes(logged_in, svc):
    from service.rdf.records import single_record

    bad = "\n".join(line for line in VALID_TTL.splitlines()
                    if not line.startswith("  dct:description"))
    extracted = single_record(Graph().parse(data=bad, format="turtle"))
    result = svc.records.upsert("montfort", extracted, "quarantine")
    assert result.status == "quarantine"
    dashboard = logged_in.get("/curator/").get_data(as_text=True)
    assert "En quarantaine (1)" in dashboard and "Ajoutez une description" in dashboard
    page = logged_in.get(f"/curator/datasets/{result.meta.id}/edit")
    assert page.status_code == 200 and "En quarantaine" in page.get_data(as_text=True)


def test_a_draft_is_deleted_from_its_form(logged_in, svc):
    assert _post(logged_in, "/curator/datasets/new",
                 {**GOOD, "action": "draft"}).status_code == 302
    page = logged_in.get(f"/curator/datasets/{DRAFT}/delete")
    assert page.status_code == 200
    r = _post(logged_in, f"/curator/datasets/{DRAFT}/delete", {"confirm": "yes"})
    assert r.status_code == 302
    assert svc.records.list_private("montfort")[0] == 0
    assert logged_in.get(f"/curator/datasets/{DRAFT}/edit").status_code == 404
