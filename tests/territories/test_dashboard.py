"""The obligation dashboard over HTTP: HTML, JSON, CSV; threshold, exemptions, SKOS."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from service.app import create_app
from service.config import Settings
from service.territories import registry
from service.territories.exemptions import exempt
from tests.conftest import BASE
from tests.territories.conftest import EPCI, IFFENDIC, MONTFORT, bearer, dataset


@pytest.fixture
def published(client, tokens):
    """Montfort-sur-Meu publishes two datasets (délibérations, budget); Iffendic nothing."""
    for identifier, schema in (("delib-montfort", "deliberations"), ("budget-montfort", "budget")):
        response = client.post("/datasets", data=dataset(identifier, schema=schema),
                               headers=bearer(tokens[MONTFORT]))
        assert response.status_code == 201, response.get_json()
    return client


def _obliged(threshold: int) -> set[str]:
    reg = registry()
    return {c.code for c in reg.communes_of(reg.by_siren[EPCI])
            if c.legal_population and c.legal_population > threshold}


def test_dashboard_json(published):
    body = published.get(f"/territories/{EPCI}.json").get_json()
    assert body["area"]["name"] == "CC Montfort Communauté"
    assert body["area"]["iri"] == f"http://id.insee.fr/geo/intercommunalite/{EPCI}"
    rows = {r["code"]: r for r in body["communes"]}
    assert len(rows) == 8 and body["threshold"] == 3500
    montfort, iffendic = rows["35188"], rows["35133"]
    assert montfort["publishers"] == ["montfort-sur-meu"] and montfort["datasets"] == 2
    assert montfort["scdl"] == ["scdl/budget", "scdl/deliberations"]
    assert montfort["completeness"] == 0.833  # 10 of 12: no temporal, no access rights
    assert iffendic["publishers"] == ["iffendic"] and iffendic["datasets"] == 0
    obliged = _obliged(3500)
    assert {c for c, r in rows.items() if r["likely_obliged"]} == obliged
    summary = body["summary"]
    assert summary["likely_obliged"] == len(obliged) and summary["obliged_publishing"] == 1
    assert summary["obliged_silent"] == len(obliged) - 1 and summary["datasets"] == 2
    assert summary["scdl_coverage"]["scdl/budget"] == 1
    assert summary["scdl_coverage"]["scdl/subventions"] == 0
    assert body["area_publishers"] == {"cc-montfort-communaute": 0}
    # Accept gives the same
    assert published.get(f"/territories/{EPCI}", headers={"Accept": "application/json"}
                         ).get_json()["summary"] == summary


def test_dashboard_html_and_csv(published):
    page = published.get(f"/territories/{EPCI}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    text = page.get_data(as_text=True)
    assert "<svg" in text and "Montfort-sur-Meu" in text and "Probablement obligées" in text
    assert f'href="/territories/{EPCI}.csv"' in text
    assert published.get(f"/territories/{EPCI}").content_type.startswith("text/html")
    for response in (published.get(f"/territories/{EPCI}.csv"),
                     published.get(f"/territories/{EPCI}", headers={"Accept": "text/csv"})):
        assert response.content_type == "text/csv; charset=utf-8"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert len(rows) == 8
        montfort = next(r for r in rows if r["code"] == "35188")
        assert montfort["datasets"] == "2" and montfort["likely_obliged"] == "oui"
        assert montfort["scdl"] == "scdl/budget scdl/deliberations"


def test_threshold_from_settings_and_query(tmp_path, published):
    low = published.get(f"/territories/{EPCI}.json?threshold=100000").get_json()
    assert low["summary"]["likely_obliged"] == 0 and low["threshold"] == 100000
    assert published.get(f"/territories/{EPCI}.json?threshold=x").status_code == 400
    app = create_app(Settings(data=str(tmp_path / "other"), base_url=BASE,
                              obligation_threshold=5000))
    try:
        body = app.test_client().get(f"/territories/{EPCI}.json").get_json()
    finally:
        app.extensions["socle"].store.close()
    assert body["threshold"] == 5000
    assert {r["code"] for r in body["communes"] if r["likely_obliged"]} == _obliged(5000)
    assert _obliged(5000) < _obliged(3500)  # the threshold matters for this EPCI


def test_exemption_marked_by_the_operator(svc, published):
    exempt(svc.store, IFFENDIC, "moins de 50 agents")
    rows = {r["code"]: r for r in
            published.get(f"/territories/{EPCI}.json").get_json()["communes"]}
    assert rows["35133"]["exempt"] == "moins de 50 agents"
    assert rows["35133"]["likely_obliged"] is False
    assert "moins de 50 agents" in published.get(f"/territories/{EPCI}").get_data(as_text=True)


def test_areas_instance_and_errors(published):
    dep = published.get("/territories/dep-35.json").get_json()
    assert dep["summary"]["communes"] > 300 and dep["summary"]["obliged_publishing"] == 1
    assert published.get("/territories/reg-53.json").get_json()["summary"]["datasets"] == 2
    whole = published.get("/territories.json").get_json()
    assert whole["area"] is None and whole["summary"]["communes"] == 8
    assert [a["key"] for a in whole["areas"]] == [EPCI]
    assert published.get("/territories").status_code == 200
    assert published.get("/territories.csv").status_code == 200
    missing = published.get("/territories/999999999.json")
    assert missing.status_code == 404
    assert missing.content_type.startswith("application/problem+json")
    assert "Territoire inconnu" in missing.get_json()["detail_fr"]
    assert published.get(f"/territories/{EPCI}.xyz").status_code == 404


def test_territory_as_skos(client):
    response = client.get(f"/territories/{MONTFORT}.ttl")
    assert response.content_type.startswith("text/turtle")
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    node = URIRef("http://id.insee.fr/geo/commune/35188")
    assert str(graph.value(node, SKOS.prefLabel)) == "Montfort-sur-Meu"
    assert set(graph.objects(node, SKOS.broader)) == {
        URIRef(f"http://id.insee.fr/geo/intercommunalite/{EPCI}"),
        URIRef("http://id.insee.fr/geo/departement/35"), URIRef("http://id.insee.fr/geo/region/53")}
    assert client.get("/territories/dep-35.jsonld").status_code == 200
    resolved = client.get("/territories/resolve?q=montfort-sur-meu").get_json()
    assert resolved["territory"]["iri"] == str(node)


def test_whole_registry_as_ntriples(client):
    response = client.get("/territories.nt")
    assert response.status_code == 200
    lines = response.get_data(as_text=True).splitlines()
    assert ('<http://id.insee.fr/geo/commune/35238> <http://www.w3.org/2004/02/skos/core#'
            'prefLabel> "Rennes"@fr .') in lines
    assert len(lines) > 8 * 34000


def test_feed_labels_spatial_iris(published):
    for url in ("/catalog.ttl", "/catalog.ttl?profile=datagouv"):
        text = published.get(url).get_data(as_text=True)
        graph = Graph().parse(data=text, format="turtle")
        labels = {str(o) for o in graph.objects(URIRef("http://id.insee.fr/geo/commune/35188"),
                                                SKOS.prefLabel)}
        assert labels == {"Montfort-sur-Meu"}, url
