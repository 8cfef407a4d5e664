"""The limits under the live suite, in-process: depth scans that do not miscount (brackets in
strings, IRIs and comments), the parse workers' memory and time caps (a worker that hits them
is replaced and the next document is parsed), and the anonymous /validate rate limit."""

from __future__ import annotations

import pytest

from service.app import create_app
from service.config import Settings
from service.rdf.formats import BY_NAME
from service.rdf.isolate import Isolation, ParsePool, parse_untrusted_quads
from service.rdf.limits import OPERATOR, RECORD, ParseLimits, TooDeep, TooLarge
from service.rdf.parse import parse_quads
from tests.badinput.hostile import (
    TURTLE,
    many_keywords,
    many_triples,
    nested_rdfxml,
    nested_turtle,
)
from tests.badinput.summary import SUMMARY, Row
from tests.conftest import BASE, VALID_TTL

pytestmark = pytest.mark.embedded_only("store-independent: parsing limits")

LIMITS = ParseLimits(max_depth=64, max_triples=1000, max_nodes=2000)


def test_brackets_in_strings_iris_and_comments_are_not_nesting():
    deep = "[" * 200 + "]" * 200
    doc = (f'@prefix p: <http://a.example/> . # {deep}\n<http://a.example/x{"%5B" * 3}> '
           f'p:t "{deep}", """{deep}\n{deep}""", \'{deep}x\' .\n').encode()
    assert len(parse_quads(doc, BY_NAME["turtle"], limits=LIMITS)) == 3


@pytest.mark.parametrize("levels,ok", [(63, True), (64, True), (65, False)])
def test_the_depth_limit_is_exact(levels, ok):
    doc = nested_turtle(levels)  # levels of [ ] blank nodes
    if ok:
        parse_quads(doc, BY_NAME["turtle"], limits=LIMITS)
    else:
        with pytest.raises(TooDeep):
            parse_quads(doc, BY_NAME["turtle"], limits=LIMITS)


def test_rdfxml_depth_and_triple_budget():
    with pytest.raises(TooDeep) as err:
        parse_quads(nested_rdfxml(100), BY_NAME["rdfxml"], limits=LIMITS)
    assert err.value.status == 422 and err.value.extra["max_depth"] == 64
    with pytest.raises(TooLarge) as big:
        parse_quads(many_triples(1001), BY_NAME["ntriples"], limits=LIMITS)
    assert big.value.status == 413 and "1000" in big.value.detail_en


def test_a_worker_over_its_memory_cap_is_replaced():
    iso = Isolation(workers=1, memory_bytes=400 * 2**20, seconds=60, queue_wait=60)
    pool = ParsePool(iso)
    try:
        big = many_triples(10) + b"".join(
            b'<http://a.example/x%d> <http://a.example/p> "%s" .\n' % (i, b"x" * 2000)
            for i in range(150_000))  # 300 MB once parsed, serialised and sent back
        with pytest.raises(TooLarge) as err:
            pool.parse(big, BY_NAME["ntriples"], None, OPERATOR)
        assert "mémoire" in err.value.detail_fr and pool.kills == 1
        assert len(pool.parse(many_triples(5), BY_NAME["ntriples"], None, RECORD)) == 5
    finally:
        pool.close()


def test_a_worker_over_its_time_is_killed_and_replaced():
    iso = Isolation(workers=1, seconds=0.05, queue_wait=60)
    pool = ParsePool(iso)
    try:
        with pytest.raises(TooLarge) as err:
            pool.parse(many_triples(300_000), BY_NAME["ntriples"], None, OPERATOR)
        assert "0.05 s" in err.value.detail_en and pool.kills == 1
        slow = Isolation(workers=1, seconds=30, queue_wait=60)
        assert len(parse_untrusted_quads(many_triples(3), BY_NAME["ntriples"], None, RECORD,
                                         slow)) == 3
    finally:
        pool.close()


def test_anonymous_validate_is_rate_limited_per_client(tmp_path):
    app = create_app(Settings(data=str(tmp_path / "d"), base_url=BASE, validate_per_minute=6,
                              validate_burst=3))
    client = app.test_client()
    try:
        statuses = [client.post("/validate", data=VALID_TTL,
                                headers={"Content-Type": TURTLE}).status_code for _ in range(4)]
        assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
        limited = client.post("/validate", data=VALID_TTL, headers={"Content-Type": TURTLE})
        problem = limited.get_json()
        assert limited.mimetype == "application/problem+json"
        assert int(limited.headers["Retry-After"]) >= 1 and problem["retry_after"] >= 1
        other = client.post("/validate", data=VALID_TTL, headers={"Content-Type": TURTLE},
                            environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert other.status_code == 200  # another client has its own bucket
        page = client.post("/validation", data={"text": VALID_TTL, "syntax": "turtle"})
        assert page.status_code == 429  # the page shares the same limit
        assert int(page.headers["Retry-After"]) >= 1
        bad_token = client.post("/validate", data=VALID_TTL, headers={
            "Content-Type": TURTLE, "Authorization": "Bearer socle_nope"})
        assert bad_token.status_code == 401
        SUMMARY.add(Row("validate-anonymous-flood", 429, statuses[3]))
    finally:
        app.extensions["socle"].store.close()


def test_a_giant_record_in_an_imported_catalogue_is_a_failed_item(client, auth, svc):
    giant = many_keywords(RECORD.max_triples + 10).decode().replace(
        '"deliberations-montfort"', '"geant"')
    body = (VALID_TTL + giant[giant.index("[] a dcat:Dataset"):]).encode()  # two records
    r = client.post("/publishers/montfort/import", data=body,
                    headers={"Content-Type": TURTLE, **auth})
    assert r.status_code == 207, r.get_data(as_text=True)[:500]
    report = r.get_json()
    assert report["summary"] == {"created": 1, "updated": 0, "unchanged": 0, "failed": 1}
    failed = next(i for i in report["items"] if i["outcome"] == "failed")
    assert failed["error"]["status"] == 413 and failed["error"]["limit"] == RECORD.max_triples
    assert client.get("/datasets/geant.ttl").status_code == 404
    SUMMARY.add(Row("import-record-over-record-budget", 413, failed["error"]["status"]))
