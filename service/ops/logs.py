"""Structured logs: one JSON object per line on standard output.

Two kinds of line: `access` (one per request: request id, method, route, path, status,
duration, client address, publisher when the request names one) and events (`login_failed`,
`login_throttled`, …). Secrets never reach a line: query strings are not logged, and
`event()` drops any field whose name says it holds a secret.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

EVENTS = logging.getLogger("socle.events")
SECRET_FIELDS = ("password", "token", "secret", "authorization", "cookie", "csrf")


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "msg", **fields}`; fields come from `extra={"fields": …}`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(), "logger": record.name,
            "msg": record.getMessage()}
        line.update(getattr(record, "fields", {}) or {})
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def clean(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items()
            if not any(word in k.lower() for word in SECRET_FIELDS)}


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event line (`"event": name`)."""
    EVENTS.log(level, name, extra={"fields": {"event": name, **clean(fields)}})


def configure(stream: Any = None, level: int = logging.INFO) -> None:
    """JSON lines on stdout for every logger (what `socle serve` uses)."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


ACCESS = logging.getLogger("socle.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def init_app(app: Any) -> None:
    """One `access` line per request, and an `X-Request-Id` on every response (the client's
    own when it sent a sane one, else a new one)."""
    from flask import g, request

    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        sent = request.headers.get("X-Request-Id", "")
        g.request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex

    @app.after_request
    def _access(response: Any) -> Any:
        started = g.get("started")
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers["X-Request-Id"] = request_id
        rule = request.url_rule.rule if request.url_rule is not None else None
        args = request.view_args or {}
        fields = {"request_id": request_id, "method": request.method, "route": rule,
                  "path": request.path, "status": response.status_code,
                  "duration_ms": round((time.perf_counter() - started) * 1000, 2)
                  if started else None,
                  "client": request.remote_addr,
                  "publisher": args.get("publisher_id") or request.args.get("publisher"),
                  # the header (a wrapped file's too); never calculate_content_length():
                  # it buffers a streamed body whole
                  "bytes": response.content_length}
        ACCESS.info("access", extra={"fields": {"event": "access", **fields}})
        return response
