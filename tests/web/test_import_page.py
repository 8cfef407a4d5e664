"""The curator import page: file upload (RDF; SCDL CSV in tests/ingest), harvest sources,
run reports — through the same importers as the CLI and the API."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from service.config import Settings
from tests.conftest import BASE
from tests.ingest.site import Site
from tests.web.conftest import _csrf


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The operator allowed one internal host, 127.0.0.1, for harvesting."""
    return Settings(data=str(tmp_path / "data"), base_url=BASE, harvest_allow="127.0.0.1",
                    harvest_backoff=0.01, harvest_timeout=5.0)


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def _token(client) -> str:
    return _csrf(client.get("/curator/import/").get_data(as_text=True))


def test_dashboard_links_to_the_import_page(logged_in):
    html = logged_in.get("/curator/").get_data(as_text=True)
    assert 'href="/curator/import/"' in html


def test_upload_rdf_reports_each_record_and_keeps_it(logged_in, svc, valid_ttl):
    token = _token(logged_in)
    r = logged_in.post("/curator/import/upload", content_type="multipart/form-data", data={
        "csrf_token": token, "file": (__import__("io").BytesIO(valid_ttl.encode()),
                                      "catalogue.ttl")})
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html[:400]
    assert 'id="report-title"' in html and "Créés : 1" in html
    record_id = re.search(r'href="/datasets/([^"]+)">créé', html).group(1)
    assert svc.records.meta(record_id).publisher == "montfort"


def test_upload_of_an_unknown_format_is_refused_in_french(logged_in, snapshot):
    before = snapshot()
    r = logged_in.post("/curator/import/upload", content_type="multipart/form-data", data={
        "csrf_token": _token(logged_in), "file": (__import__("io").BytesIO(b"x"), "a.docx")})
    assert r.status_code == 422
    assert "format inconnu" in r.get_data(as_text=True)
    assert snapshot() == before


def test_upload_without_csrf_is_400_and_stores_nothing(logged_in, snapshot, valid_ttl):
    before = snapshot()
    r = logged_in.post("/curator/import/upload", content_type="multipart/form-data", data={
        "file": (__import__("io").BytesIO(valid_ttl.encode()), "catalogue.ttl")})
    assert r.status_code == 400
    assert snapshot() == before


def test_add_a_source_harvest_it_and_read_the_report(logged_in, svc, site, valid_ttl):
    url = site.add("/catalog.ttl", valid_ttl)
    r = logged_in.post("/curator/import/sources", data={
        "csrf_token": _token(logged_in), "url": url, "name": "Ancien portail"})
    assert r.status_code == 302
    html = logged_in.get("/curator/import/").get_data(as_text=True)
    assert "Ancien portail" in html and url in html
    action = re.search(r'action="(/curator/import/sources/[^"]+/harvest)"', html).group(1)
    r = logged_in.post(action, data={"csrf_token": _token(logged_in)})
    assert r.status_code == 302 and "/curator/import/runs/" in r.headers["Location"]
    for _ in range(200):  # the run goes on in the background; the page refreshes itself
        report = logged_in.get(r.headers["Location"]).get_data(as_text=True)
        if 'http-equiv="refresh"' not in report:
            break
        time.sleep(0.05)
    assert "Rapport de moisson" in report and "créés : 1" in report
    # Kept with the others: the API lists the same run.
    runs = logged_in.get("/publishers/montfort/harvest/runs").get_json()["runs"]
    assert len(runs) == 1 and runs[0]["counts"]["created"] == 1


def test_a_source_refused_by_policy_is_shown_with_the_form(logged_in):
    r = logged_in.post("/curator/import/sources", data={
        "csrf_token": _token(logged_in), "url": "ftp://example.org/catalog.ttl"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "URL non prise en charge" in html
    assert 'value="ftp://example.org/catalog.ttl"' in html


def test_another_publishers_source_cannot_be_run(logged_in, svc, other_publisher):
    from service.ingest.harvest.sources import add_source

    src = add_source(svc.store, "https://example.org/catalog.ttl", other_publisher.id)
    r = logged_in.post(f"/curator/import/sources/{src.id}/harvest",
                       data={"csrf_token": _token(logged_in)})
    assert r.status_code == 404


def test_csv_upload_is_answered_with_a_report_or_a_clear_refusal(logged_in, snapshot):
    """Never a 500: the SCDL importer's report, or a French refusal when it is absent."""
    csv = Path(__file__).parents[2].parent / "shared/fixtures/scdl-catalogue/" \
        "exemple-construit-scdl-catalogue.csv"
    r = logged_in.post("/curator/import/upload", content_type="multipart/form-data", data={
        "csrf_token": _token(logged_in),
        "file": (__import__("io").BytesIO(csv.read_bytes()), "catalogue.csv")})
    assert r.status_code in (200, 422)
    html = r.get_data(as_text=True)
    assert 'id="report-title"' in html or "pas encore disponible" in html


def test_upload_lists_the_repairs_in_french(logged_in, valid_ttl):
    """Issue 17: every repair of the import is on the page (property, before, after)."""
    broken = valid_ttl.replace(
        "<http://publications.europa.eu/resource/authority/file-type/CSV>", '"CSV"')
    r = logged_in.post("/curator/import/upload", content_type="multipart/form-data", data={
        "csrf_token": _token(logged_in), "file": (__import__("io").BytesIO(broken.encode()),
                                                  "catalogue.ttl")})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Créés : 1" in html, html[:400]
    assert "Réparé <code>dct:format</code>" in html
    assert "format remplacé par le type de fichier du vocabulaire européen" in html
