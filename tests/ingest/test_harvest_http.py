"""The HTTP trigger (publisher's token) and the reports it keeps."""

from __future__ import annotations

import time

from bench.harvest_source import pages
from service.app import create_app
from service.auth.tokens import create_token
from service.catalog.publishers import add_publisher
from service.ingest.harvest.sources import add_source
from tests.conftest import BASE
from tests.ingest.conftest import harvest_settings

PATH = "/catalog.ttl"


def setup(tmp_path, site):
    app = create_app(harvest_settings(tmp_path))
    svc = app.extensions["socle"]
    pub = add_publisher(svc.store, BASE, "montfort", "Commune de Montfort", None)
    other = add_publisher(svc.store, BASE, "iffendic", "Commune d'Iffendic", None)
    for path, body in pages(site.base, PATH, [0, 1, 2], 2).items():
        site.add(path, body)
    src = add_source(svc.store, site.url(f"{PATH}?page=1"), "montfort", source_id="portail")
    return app, svc, src, create_token(svc.files, pub), create_token(svc.files, other)


def finished(client, location: str) -> dict:
    """The run's report once it is no longer running."""
    for _ in range(400):
        report = client.get(location.replace("http://localhost", "")).get_json()
        if report["status"] != "running":
            return report
        time.sleep(0.05)
    raise AssertionError(f"run still running: {report}")


def test_trigger_runs_and_reports(tmp_path, site):
    app, svc, src, token, _ = setup(tmp_path, site)
    client = app.test_client()
    r = client.post("/publishers/montfort/harvest", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 202, r.get_json()
    assert r.get_json()["runs"][0]["status"] == "running"
    run = finished(client, r.headers["Location"])
    assert run["counts"]["created"] == 3 and run["status"] == "done" and run["pages"] == 2
    assert client.get("/datasets/jeu-00001.ttl").status_code == 200
    listed = client.get("/publishers/montfort/harvest/runs").get_json()["runs"]
    assert [r["run"] for r in listed] == [run["run"]]
    one = client.get(f"/publishers/montfort/harvest/runs/{run['run']}")
    assert one.get_json()["counts"] == run["counts"]
    overview = client.get("/publishers/montfort/harvest").get_json()
    assert overview["sources"][0]["last_run"]["status"] == "done"
    app.extensions["socle"].store.close()


def test_trigger_needs_the_publishers_token(tmp_path, site):
    app, svc, src, token, other = setup(tmp_path, site)
    client = app.test_client()
    r = client.post("/publishers/montfort/harvest")
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    r = client.post("/publishers/montfort/harvest", headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 403 and "montfort" in r.get_json()["detail_fr"]
    r = client.post("/publishers/iffendic/harvest", headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 404 and "aucune source" in r.get_json()["detail_fr"]
    r = client.post("/publishers/iffendic/harvest?source=portail",
                    headers={"Authorization": f"Bearer {other}"})
    assert r.status_code == 404
    assert site.log == []
    assert client.get("/publishers/montfort/harvest/runs/nope").status_code == 404
    app.extensions["socle"].store.close()


def test_async_trigger(tmp_path, site):
    app, svc, src, token, _ = setup(tmp_path, site)
    client = app.test_client()
    r = client.post("/publishers/montfort/harvest?async=1",  # the former option: still fine
                    headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 202
    report = finished(client, r.headers["Location"])
    assert report["status"] == "done" and report["counts"]["created"] == 3
    app.extensions["socle"].store.close()


def test_the_harvest_graph_holds_no_secret(tmp_path, site):
    """System graphs are queryable (docs/sparql.md): sources keep no credentials."""
    app, svc, src, token, _ = setup(tmp_path, site)
    from service.errors import SocleError
    from service.ingest.harvest.policy import Policy

    try:
        Policy(allow_private=True).check("http://user:pw@127.0.0.1/x")
    except SocleError as err:
        assert "identifiants" in err.detail_fr
    rows = svc.store.select("SELECT ?o WHERE { GRAPH <urn:socle:graph:harvest> { ?s ?p ?o } }")
    assert not any(token in str(r["o"]) for r in rows)
    app.extensions["socle"].store.close()
