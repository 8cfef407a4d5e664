"""waitress, with its own error answers as application/problem+json like every other error.

waitress answers some requests before the app sees them: a body over `max_request_body_size`
(413), malformed request lines or headers (400), header fields too large (431). Its answers are
plain text; here the channel's error task writes the same problem+json body as
service/problems.py, in French and English.
"""

from __future__ import annotations

import json
from typing import Any

from waitress import create_server
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

TEXTS = {
    413: ("Corps de requête trop volumineux pour le serveur (limite : {limit} octets).",
          "Request body too large for the server (limit: {limit} bytes)."),
    431: ("En-têtes de requête trop volumineux.", "Request header fields too large."),
}
GENERIC = ("Requête HTTP invalide : {body}.", "Invalid HTTP request: {body}.")


def problem_body(code: int, reason: str, body: str, limit: int) -> bytes:
    fr, en = TEXTS.get(code, GENERIC)
    fr, en = fr.format(limit=limit, body=body), en.format(limit=limit, body=body)
    problem = {"type": "about:blank", "title": reason, "status": code,
               "detail": f"{fr} — {en}", "detail_fr": fr, "detail_en": en}
    return json.dumps(problem, ensure_ascii=False, indent=2).encode("utf-8")


class ProblemErrorTask(ErrorTask):
    def execute(self) -> None:
        error = self.request.error
        body = problem_body(error.code, error.reason, str(error.body),
                            self.channel.server.adj.max_request_body_size)
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(
            ("Content-Type", "application/problem+json; charset=utf-8"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class ProblemChannel(HTTPChannel):
    error_task_class = ProblemErrorTask


def serve(app: Any, **options: Any) -> None:
    """waitress.serve, with problem+json error answers."""
    server = create_server(app, **options)
    server.channel_class = ProblemChannel
    server.print_listen("Serving on http://{}:{}")
    server.run()
