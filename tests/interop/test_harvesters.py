"""data.gouv.fr (udata DcatBackend) and CKAN (ckanext-dcat) harvest the feed with nothing lost.

Both harvesters are the real code (``../shared/interop``); the service is the real one, started
by ``conftest.server`` with the demo catalogue (31 datasets, 5 publishers) and 217 generated
datasets for publisher ``interop`` (3 pages of 100 on its feed, 3 on ``/catalog``).
"""

from __future__ import annotations

import re

import pytest

from tests.interop.conftest import DEMO_COUNT, PAGE_SIZE, PUBLISHER
from tests.interop.published import LICENCE_IDS, datasets, read_feed

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def published(server):
    """The generated publisher's datasets as the service publishes them by default."""
    return datasets(read_feed(f"{server.base}/publishers/{PUBLISHER}/catalog.ttl"))


def _pages(n: int) -> int:
    return -(-n // PAGE_SIZE)


# --- udata (data.gouv.fr) --------------------------------------------------------------------


def test_udata_detects_turtle_despite_the_query_string(udata):
    # udata guesses the format from the URL suffix; "catalog.ttl?profile=datagouv" defeats that
    # and it falls back on a HEAD request's Content-Type, which the feed answers.
    for report in udata.values():
        assert report["format"] == "turtle", report["summary"]


def test_udata_harvests_every_dataset_of_the_publisher_feed(udata, server):
    report = udata["publisher"]
    assert (report["items"], report["ok"], report["failed"], report["skipped"]) == (
        server.generated, server.generated, 0, 0), report["summary"]
    assert report["errors"] == [], report["errors"][:5]
    assert report["job_status"] == "done"
    assert report["pages_fetched"] == _pages(server.generated)
    assert report["datasets_created"] == server.generated
    assert report["prod_url_warnings"] == []


def test_udata_logs_no_warning(udata):
    logs = [(it["remote_id"], log["message"]) for it in udata["publisher"]["item_list"]
            for log in it["logs"]]
    assert logs == []


def test_udata_whole_catalogue_fails_only_on_the_demo_reserved_domain(udata, server):
    """The demo's URLs are on the reserved ``.example`` domain, which data.gouv.fr refuses
    ("Domaine invalide"): its 31 datasets fail for that reason and no other."""
    report = udata["catalog"]
    assert report["items"] == server.total, report["summary"]
    assert report["pages_fetched"] == _pages(server.total)
    assert (report["ok"], report["failed"], report["skipped"]) == (
        server.generated, DEMO_COUNT, 0), report["summary"]
    ok = {it["remote_id"] for it in report["item_list"] if it["status"] == "done"}
    assert all(re.search(r"-c\d+$", r) or "/datasets/" in r for r in ok)
    for item in report["item_list"]:
        if item["status"] != "failed":
            continue
        for error in item["errors"]:
            # (the message's " : " is written with non-breaking spaces)
            rest = re.sub(r'(\d+\.)?url\.URL invalide "https://[^"]+\.example/[^"]*"\s*:\s*'
                          r"Domaine invalide example", "", error)
            rest = rest.replace("ValidationError (Dataset:None) (", "").replace(
                ": ['resources'])", "")
            assert rest.strip() == "", f"{item['remote_id']}: {error}"


def test_udata_field_by_field(udata, published):
    got = {d["remote_id"]: d for d in udata["publisher"]["datasets"]}
    # The two demo datasets without dct:identifier get their dataset IRI as identifier.
    assert set(got) == set(published)
    problems: list[str] = []

    def check(ident: str, what: str, expected, actual) -> None:
        if expected != actual:
            problems.append(f"{ident} {what}: published {expected!r}, udata {actual!r}")

    for ident, pub in sorted(published.items()):
        d = got[ident]
        check(ident, "title", pub.title_fr, d["title"])
        check(ident, "dct_identifier", ident, d["dct_identifier"])
        check(ident, "description", len(pub.description), d["description_chars"])
        licence = d["license"]["id"]
        expected_ids = {LICENCE_IDS[lic] for lic in pub.licences}
        if licence == "notspecified" or licence not in expected_ids:
            problems.append(f"{ident} licence: published {pub.licences}, udata {licence}")
        check(ident, "frequency", pub.frequency, d["frequency"])
        temporal = d["temporal_coverage"]
        check(ident, "temporal", pub.temporal,
              (temporal["start"][:10], temporal["end"][:10]) if temporal else None)
        check(ident, "spatial bbox", pub.bbox, d["spatial"]["bbox"] if d["spatial"] else None)
        check(ident, "tags", sorted(pub.tags), sorted(d["tags"]))
        resources = {r["url"]: r for r in d["resources"]}
        check(ident, "resource urls", sorted(pub.resources), sorted(resources))
        for url, res in pub.resources.items():
            r = resources.get(url)
            if r is None:
                continue
            check(ident, f"{url} format", res.format, r["format"])
            check(ident, f"{url} mime", res.mime, r["mime"])
            check(ident, f"{url} size", res.size, r["filesize"])
            check(ident, f"{url} checksum", res.checksum, r["checksum"])
            if res.licence:
                mapped = r["extras_dcat"].get("license", [None])[0]
                check(ident, f"{url} licence", LICENCE_IDS[res.licence],
                      LICENCE_IDS.get(mapped, mapped))
            check(ident, f"{url} type", "main", r["type"])
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])


def test_udata_sees_every_variant(udata, published):
    """The generated catalogue does exercise what the profile fixes."""
    ds = udata["publisher"]["datasets"]
    assert {d["license"]["id"] for d in ds} >= {"lov2", "odc-odbl", "cc-by", "cc-zero"}
    checksums = {r["checksum"].split(":")[0] for d in ds for r in d["resources"] if r["checksum"]}
    assert checksums == {"sha1", "sha256"}
    assert sum(1 for d in ds if d["spatial"]) >= 50
    assert sum(1 for d in ds if d["temporal_coverage"]) >= 200


def test_udata_without_the_profile_loses_datasets(udata):
    """Why the profile exists: the default ``dcat-ap-3`` feed types checksums ``xsd:hexBinary``
    (as DCAT-AP says), and udata fails every dataset that has one; licences under their SPDX
    or Creative Commons IRIs become "notspecified"."""
    report = udata["baseline"]
    assert report["items"] == 7, report["summary"]
    assert report["failed"] == report["items"], report["summary"]
    assert all("checksum.value.StringField only accepts string values" in e["message"]
               for e in report["errors"])


# --- CKAN (ckanext-dcat, euro_dcat_ap_3) -------------------------------------------------------


def test_ckan_parses_the_default_feed(ckan, server, published):
    assert ckan["returncode"] == 0, ckan["stdout"][-3000:]
    n_resources = sum(len(d.get("resources", [])) for d in ckan["datasets"])
    assert ckan["summary"] == (
        f"ckan-parse: datasets={server.total} resources={n_resources} errors=0")
    assert len(ckan["datasets"]) == server.total
    assert ckan["stdout"].count("\npage ") + ckan["stdout"].startswith("page ") == _pages(
        server.total)


def test_ckan_field_by_field(ckan, published):
    by_id = {}
    for d in ckan["datasets"]:
        extras = {e["key"]: e["value"] for e in d.get("extras", [])}
        by_id[extras.get("identifier")] = (d, extras)
    problems: list[str] = []
    for ident, pub in published.items():
        if ident not in by_id:
            problems.append(f"{ident}: not parsed")
            continue
        d, extras = by_id[ident]
        if d["title"] not in pub.titles:
            problems.append(f"{ident} title {d['title']!r} not in {pub.titles}")
        if pub.temporal and (extras.get("temporal_start", "")[:10],
                             extras.get("temporal_end", "")[:10]) != pub.temporal:
            problems.append(f"{ident} temporal {extras.get('temporal_start')}")
        resources = {r["url"]: r for r in d["resources"]}
        if sorted(resources) != sorted(pub.resources):
            problems.append(f"{ident} resources {sorted(resources)} != {sorted(pub.resources)}")
            continue
        for url, res in pub.resources.items():
            r = resources[url]
            if r.get("license") != res.licence:
                problems.append(f"{ident} {url} licence {r.get('license')} != {res.licence}")
            if res.size is not None and r.get("size") != res.size:
                problems.append(f"{ident} {url} size {r.get('size')} != {res.size}")
            if res.checksum and f"{r.get('hash_algorithm', '').rsplit('_', 1)[-1]}:" \
                                f"{r.get('hash')}" != res.checksum:
                problems.append(f"{ident} {url} checksum {r.get('hash')}")
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:40])
