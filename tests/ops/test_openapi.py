"""The OpenAPI 3.1 description is valid and true: real responses of the service (status,
media type, JSON body) are checked against it with jsonschema; the browsable page lists
every operation without any script."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import jsonschema
import pytest
from schemathesis.specs.openapi.definitions import OPENAPI_31

from service.ops.openapi import document
from tests.conftest import BASE, VALID_TTL, post_ttl


@pytest.fixture
def spec(client):
    r = client.get("/openapi.json")
    assert r.status_code == 200
    return r.get_json()


def _resolve(node, spec):
    if isinstance(node, dict):
        if "$ref" in node:
            target = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return _resolve(target, spec)
        return {k: _resolve(v, spec) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, spec) for v in node]
    return node


def _operation(spec, method: str, path: str):
    for template, item in spec["paths"].items():
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return item[method.lower()]
    raise AssertionError(f"{method} {path} is not described")


def check(spec, method: str, path: str, response) -> None:
    op = _operation(spec, method, path)
    assert str(response.status_code) in op["responses"], (method, path, response.status_code)
    described = op["responses"][str(response.status_code)]
    content = described.get("content")
    if not content or response.status_code == 304:
        return
    media = response.mimetype
    assert media in content, (method, path, media, list(content))
    schema = _resolve(content[media].get("schema", {}), spec)
    if media.endswith("json") and schema:
        jsonschema.Draft202012Validator(schema).validate(response.get_json())


def test_the_document_is_valid_openapi_31(spec):
    jsonschema.Draft202012Validator(OPENAPI_31).validate(spec)
    assert spec["openapi"] == "3.1.0" and spec["servers"] == [{"url": BASE}]
    assert document(BASE) == spec


def test_real_responses_match_the_description(client, auth, spec):
    calls = [
        ("GET", "/datasets", client.get("/datasets")),
        ("POST", "/datasets", post_ttl(client, VALID_TTL, auth)),
        ("POST", "/datasets", post_ttl(client, VALID_TTL, auth)),  # 409
        ("POST", "/datasets", post_ttl(client, "not turtle", auth)),  # 400
        ("POST", "/datasets", post_ttl(client, VALID_TTL, {})),  # 401
        ("GET", "/datasets", client.get("/datasets?publisher=montfort&limit=5")),
        ("GET", "/datasets/deliberations-montfort.ttl",
         client.get("/datasets/deliberations-montfort.ttl")),
        ("GET", "/datasets/nope.ttl", client.get("/datasets/nope.ttl")),
        ("POST", "/validate", client.post("/validate", data=VALID_TTL,
                                          headers={"Content-Type": "text/turtle"})),
        ("POST", "/validate", client.post("/validate", data="x",
                                          headers={"Content-Type": "application/pdf"})),
        ("GET", "/catalog.ttl", client.get("/catalog.ttl")),
        ("GET", "/catalog", client.get("/catalog", headers={"Accept": "application/ld+json"})),
        ("GET", "/publishers/montfort/catalog", client.get("/publishers/montfort/catalog")),
        ("GET", "/publishers/montfort/catalogue.csv",
         client.get("/publishers/montfort/catalogue.csv")),
        ("GET", "/publishers/montfort/harvest", client.get("/publishers/montfort/harvest")),
        ("GET", "/territories.json", client.get("/territories.json")),
        ("GET", "/health", client.get("/health")),
        ("GET", "/health/live", client.get("/health/live")),
        ("GET", "/health/ready", client.get("/health/ready")),
        ("GET", "/metrics", client.get("/metrics")),
        ("GET", "/openapi.json", client.get("/openapi.json")),
        ("PUT", "/datasets/deliberations-montfort",
         client.put("/datasets/deliberations-montfort", data=VALID_TTL,
                    headers={"Content-Type": "text/turtle", **auth})),
        ("DELETE", "/datasets/nope", client.delete("/datasets/nope", headers=auth)),
        ("DELETE", "/datasets/deliberations-montfort",
         client.delete("/datasets/deliberations-montfort", headers=auth)),
    ]
    statuses = set()
    for method, path, response in calls:
        check(spec, method, path.split("?")[0], response)
        statuses.add(response.status_code)
    assert {200, 201, 204, 400, 401, 404, 409, 415} <= statuses


def test_search_responses_match_the_description(client, svc, auth, spec):
    """The JSON search API: words, fallback, every facet as a filter, each sort, paging, a
    bad sort (400), a spent time budget (503), and the HTML page browsers get."""
    assert post_ttl(client, VALID_TTL, auth).status_code == 201
    other = VALID_TTL.replace('"deliberations-montfort"', '"budget-montfort"')
    assert post_ttl(client, other, auth).status_code == 201
    json_ = {"Accept": "application/json"}

    def get(query: str, headers=json_):
        response = client.get(f"/search{query}", headers=headers)
        check(spec, "GET", "/search", response)
        return response

    first = get("?q=délibérations").get_json()
    assert first["total"] == 2 and first["items"] and not first["fallback"]
    facets = {f: values[0]["value"] for f, values in first["facets"].items() if values}
    assert {"publisher", "theme"} <= set(facets)  # counts over the matches, to filter on
    for facet, value in facets.items():
        filtered = get("?" + urlencode({"q": "délibérations", facet: value})).get_json()
        assert filtered["filters"] == {facet: value} and filtered["total"] >= 1
    every = get("?" + urlencode({"q": "délibérations", **facets})).get_json()
    assert every["filters"] == facets and every["total"] >= 1
    for sort in ("relevance", "date", "title"):
        answer = get(f"?sort={sort}&page=2&page_size=1").get_json()
        assert answer["sort"] == sort and answer["page"] == 2 and len(answer["items"]) == 1
    assert get("?q=délibérations+licornes").get_json()["fallback"]
    assert get("?q=zzzz").get_json()["total"] == 0
    assert get("?page=99999999999999999999&page_size=0").status_code == 200
    assert get("?sort=nope").status_code == 400
    assert get("?q=budget", {"Accept": "text/html"}).mimetype == "text/html"
    index = svc.search
    saved = index.budget_ms, index.progress_steps
    index.budget_ms, index.progress_steps = 0, 1
    index.invalidate()
    try:
        assert get("?q=budget").status_code == 503
    finally:
        index.budget_ms, index.progress_steps = saved


def test_the_browsable_page_lists_every_operation_without_scripts(client, spec):
    r = client.get("/api")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "<script" not in html
    for path, item in spec["paths"].items():
        for method in ("get", "post", "put", "delete"):
            if method in item:
                assert f"{method.upper()} {path}" in html, (method, path)
