"""The REST API's OpenAPI 3.1 description (`openapi.json` beside this module, as data) served
at `GET /openapi.json`, and a browsable page of it at `GET /api` rendered on the server (no
script, no CDN). The document is kept true by tests/ops/test_openapi.py (real responses
validated against it) and by a Schemathesis run against a real server."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, jsonify, render_template

SPEC_FILE = Path(__file__).with_name("openapi.json")
METHODS = ("get", "post", "put", "delete")


@lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    with SPEC_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def document(base_url: str) -> dict[str, Any]:
    """The description, with this instance's base URL as its server."""
    spec = copy.deepcopy(_spec())
    spec["servers"] = [{"url": base_url}]
    return spec


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per operation, for the browsable page."""
    rows = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body = op.get("requestBody", {}).get("content", {})
            rows.append({"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                         "id": op.get("operationId", ""), "secured": bool(op.get("security")),
                         "parameters": shared + op.get("parameters", []), "body": list(body),
                         "responses": [(code, r.get("description", ""), list(r.get("content", {})))
                                       for code, r in op["responses"].items()]})
    return rows


def init_app(app: Flask) -> None:
    base_url = app.extensions["socle"].settings.base_url

    @app.get("/openapi.json")
    def openapi_json() -> Any:
        return jsonify(document(base_url))

    @app.get("/api")
    def openapi_page() -> Any:
        spec = document(base_url)
        return render_template("api.html", spec=spec, operations=operations(spec))
