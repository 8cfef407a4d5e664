"""Hardened HTTP: CORS on public reads only, HSTS on https instances, X-Forwarded-* only when
the operator says so, JSON access lines with a request id and no secrets."""

from __future__ import annotations

import json
import logging

import pytest

from service.app import create_app
from service.config import Settings
from tests.conftest import VALID_TTL, post_ttl

PUBLIC_READS = ["/datasets", "/catalog.ttl", "/catalog", "/territories.json", "/health",
                "/publishers/montfort/catalog.ttl", "/datasets/deliberations-montfort.ttl",
                "/datasets/deliberations-montfort"]


@pytest.fixture
def stored(client, auth):
    assert post_ttl(client, VALID_TTL, auth).status_code == 201
    return client


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_cors_on_every_public_read(stored, path):
    r = stored.get(path)
    assert r.status_code == 200, (path, r.status_code)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    assert "ETag" in r.headers["Access-Control-Expose-Headers"]


def test_cors_preflight_and_no_cors_on_private_pages(client):
    r = client.options("/catalog.ttl", headers={"Origin": "https://example.org",
                                                "Access-Control-Request-Method": "GET"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in r.headers["Access-Control-Allow-Methods"]
    for path in ("/login", "/curator/"):
        assert "Access-Control-Allow-Origin" not in client.get(path).headers


def test_cors_not_on_writes(client, auth):
    r = post_ttl(client, VALID_TTL, auth)
    assert r.status_code == 201 and "Access-Control-Allow-Origin" not in r.headers


def test_hsts_only_when_the_base_is_https(tmp_path, client):
    assert "Strict-Transport-Security" not in client.get("/health").headers
    app = create_app(Settings(data=str(tmp_path / "s"), base_url="https://catalogue.example.fr"))
    r = app.test_client().get("/health")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    app.extensions["socle"].store.close()


def _remote_addr(app) -> str:
    seen = {}

    @app.get("/_probe")
    def _probe():
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return "ok"

    app.test_client().get("/_probe", headers={"X-Forwarded-For": "203.0.113.9",
                                              "X-Forwarded-Proto": "https"})
    return seen


def test_forwarded_headers_only_behind_a_declared_proxy(tmp_path):
    plain = create_app(Settings(data=str(tmp_path / "a"), base_url="http://x.test"))
    assert _remote_addr(plain) == {"addr": "127.0.0.1", "scheme": "http"}
    proxied = create_app(Settings(data=str(tmp_path / "b"), base_url="http://x.test",
                                  proxy_hops=1))
    assert _remote_addr(proxied) == {"addr": "203.0.113.9", "scheme": "https"}
    for app in (plain, proxied):
        app.extensions["socle"].store.close()


def test_access_lines_are_json_with_request_id_and_no_secrets(client, auth, caplog):
    from service.ops.logs import JsonFormatter

    with caplog.at_level(logging.INFO, logger="socle.access"):
        r = post_ttl(client, VALID_TTL, auth)
        client.get("/datasets?publisher=montfort", headers={"X-Request-Id": "abc-123"})
    lines = [json.loads(JsonFormatter().format(rec)) for rec in caplog.records
             if rec.name == "socle.access"]
    assert [line["status"] for line in lines] == [201, 200]
    first, second = lines
    assert first["route"] == "/datasets" and first["method"] == "POST"
    assert len(first["request_id"]) == 32 and first["request_id"] == r.headers["X-Request-Id"]
    assert second["request_id"] == "abc-123" and second["publisher"] == "montfort"
    assert isinstance(first["duration_ms"], float)
    token = auth["Authorization"].split()[1]
    assert all(token not in json.dumps(line) for line in lines)


def test_access_line_leaves_streamed_bodies_streaming(app, caplog):
    """The access line must not read a streamed body to learn its length (Werkzeug's
    calculate_content_length() buffers it whole): chunks are made as the client reads, and
    its ``bytes`` is null (no Content-Length was sent)."""
    from flask import Response

    made: list[int] = []

    def body():
        for i in range(3):
            made.append(i)
            yield b"x"

    app.add_url_rule("/_stream_probe", "stream_probe", lambda: Response(body()))
    with caplog.at_level("INFO", logger="socle.access"):
        r = app.test_client().get("/_stream_probe", buffered=False)
    # Werkzeug's test client takes the first chunk itself; the rest must still be unmade.
    assert made == [0]
    [line] = [rec.fields for rec in caplog.records if getattr(rec, "fields", {}).get("path")
              == "/_stream_probe"]
    assert line["bytes"] is None
    assert b"".join(r.response) == b"xxx" and made == [0, 1, 2]
    r.close()
