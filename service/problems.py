"""Every error leaves as application/problem+json (RFC 9457), from this one place."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, json, request
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


def _respond(problem: dict, status: int, headers: dict | None = None,
             pages: bool = True) -> Response:
    """problem+json, or the HTML error page the web layer registered when the client is a
    browser (it prefers text/html)."""
    page = current_app.extensions.get("socle_error_page") if pages else None
    if page is not None:
        prefers_html, render = page
        try:
            if prefers_html():
                return render(problem, status, headers)
        except Exception:  # the page itself failed: the problem still leaves, as JSON
            log.exception("error page failed on %s", request.path)
    return problem_response(problem, status, headers)


def socle_error(err: SocleError, pages: bool = True) -> Response:
    headers = {"WWW-Authenticate": 'Bearer realm="socle"'} if err.status == 401 else {}
    headers.update(getattr(err, "headers", None) or {})  # e.g. Retry-After on a 503
    return _respond(err.to_problem(request.path), err.status, headers or None, pages)


def http_error(err: HTTPException, pages: bool = True) -> Response:
    status = err.code or 500
    fr, en = _HTTP_TEXTS.get(status, (err.description or "", err.description or ""))
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    problem = {
        "type": "about:blank", "title": err.name, "status": status,
        "detail": f"{fr.format(limit=limit)} — {en.format(limit=limit)}",
        "detail_fr": fr.format(limit=limit), "detail_en": en.format(limit=limit),
        "instance": request.path,
    }
    headers = None
    methods = getattr(err, "valid_methods", None)  # MethodNotAllowed's
    if status == 405 and methods:
        headers = {"Allow": ", ".join(methods)}
    return _respond(problem, status, headers, pages)


def init_app(app: Flask) -> None:
    app.register_error_handler(SocleError, socle_error)
    app.register_error_handler(HTTPException, http_error)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        fr, en = "Erreur interne : rien n'a été enregistré.", "Internal error: nothing was stored."
        problem = {
            "type": "about:blank", "title": "Internal Server Error", "status": 500,
            "detail": f"{fr} — {en}", "detail_fr": fr, "detail_en": en,
            "instance": request.path,
        }
        return _respond(problem, 500)
