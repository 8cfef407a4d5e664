"""Every error leaves as application/problem+json (RFC 9457), from this one place."""

from __future__ import annotations

import logging

from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from service.errors import SocleError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)

# Bilingual texts for errors raised by Flask/Werkzeug itself.
_HTTP_TEXTS = {
    404: ("Ressource introuvable.", "Resource not found."),
    405: ("Méthode non autorisée sur cette ressource.", "Method not allowed on this resource."),
    413: ("Corps de requête trop volumineux (limite : {limit} octets).",
          "Request body too large (limit: {limit} bytes)."),
}


def problem_response(problem: dict, status: int, headers: dict | None = None) -> Response:
    body = json.dumps(problem, ensure_ascii=False, indent=2)
    response = Response(body, status=status, mimetype=PROBLEM_JSON, headers=headers)
    response.headers["Content-Type"] = f"{PROBLEM_JSON}; charset=utf-8"
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(SocleError)
    def _socle(err: SocleError) -> Response:
        headers = {"WWW-Authenticate": 'Bearer realm="socle"'} if err.status == 401 else {}
        headers.update(getattr(err, "headers", None) or {})  # e.g. Retry-After on a 503
        return problem_response(err.to_problem(request.path), err.status, headers or None)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Response:
        status = err.code or 500
        fr, en = _HTTP_TEXTS.get(status, (err.description or "", err.description or ""))
        limit = app.config.get("MAX_CONTENT_LENGTH")
        problem = {
            "type": "about:blank", "title": err.name, "status": status,
            "detail": f"{fr.format(limit=limit)} — {en.format(limit=limit)}",
            "detail_fr": fr.format(limit=limit), "detail_en": en.format(limit=limit),
            "instance": request.path,
        }
        response = problem_response(problem, status)
        if status == 405 and getattr(err, "valid_methods", None):
            response.headers["Allow"] = ", ".join(err.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        fr, en = "Erreur interne : rien n'a été enregistré.", "Internal error: nothing was stored."
        problem = {
            "type": "about:blank", "title": "Internal Server Error", "status": 500,
            "detail": f"{fr} — {en}", "detail_fr": fr, "detail_en": en,
            "instance": request.path,
        }
        return problem_response(problem, 500)
