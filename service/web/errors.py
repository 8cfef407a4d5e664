"""Errors as HTML pages for people, with the same status as the API's problem+json.

Two ways in: the page blueprints render their own errors as pages (`html_errors`: a form
posted by a browser always gets a page), and every other route's problem (records API, feed,
unknown paths, 500s) becomes a page when the client prefers HTML (`Accept`), which browsers
say and API clients (curl's `*/*`, `application/json`) do not. `service/problems.py` builds
the problem and asks `render_problem` here, registered by `init_app`, for browsers.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from service.errors import SocleError
from service.problems import http_error, socle_error
from service.web.i18n import current

_HTTP_TEXTS = {
    400: ("Requête invalide.", "Bad request."),
    403: ("Accès refusé.", "Forbidden."),
    404: ("Page introuvable.", "Page not found."),
    405: ("Méthode non autorisée.", "Method not allowed."),
    413: ("Envoi trop volumineux (limite : {limit} octets).",
          "Upload too large (limit: {limit} bytes)."),
    500: ("Erreur interne : rien n'a été enregistré.", "Internal error: nothing was stored."),
}
TITLES = {
    400: ("Requête invalide", "Bad request"), 401: ("Authentification requise",
                                                    "Authentication required"),
    403: ("Accès refusé", "Forbidden"), 404: ("Page introuvable", "Page not found"),
    405: ("Méthode non autorisée", "Method not allowed"), 406: ("Format non disponible",
                                                                "Not acceptable"),
    409: ("Conflit", "Conflict"), 413: ("Envoi trop volumineux", "Content too large"),
    415: ("Format non pris en charge", "Unsupported media type"),
    422: ("Contenu invalide", "Unprocessable content"), 429: ("Trop de requêtes",
                                                              "Too many requests"),
    500: ("Erreur interne", "Internal error"), 503: ("Service indisponible",
                                                     "Service unavailable"),
}


def prefers_html() -> bool:
    """True when the client ranks HTML above JSON (browsers); `*/*` alone means JSON."""
    accept = request.accept_mimetypes
    best = accept.best_match(["application/problem+json", "application/json", "text/html"])
    return best == "text/html" and accept["text/html"] > accept["application/json"]


def wants_json() -> bool:
    """True when the client ranks JSON above HTML (an API client on a page's route)."""
    accept = request.accept_mimetypes
    json_q = max(accept["application/json"], accept["application/problem+json"])
    return bool(request.headers.get("Accept")) and json_q > accept["text/html"]


def render_error(status: int, title: str, fr: str, en: str, headers: dict | None = None):
    lang = current()
    fr_title, en_title = TITLES.get(status, (title, title))
    body = render_template("errors/error.html", status=status,
                           title=en_title if lang == "en" else fr_title,
                           detail=en if lang == "en" else fr, path=request.path)
    response = Response(body, status=status, mimetype="text/html", headers=headers)
    return response


def render_problem(problem: dict, status: int, headers: dict | None = None) -> Response:
    """A problem (RFC 9457 members, with detail_fr/detail_en) as a page; headers kept (Allow,
    WWW-Authenticate, Retry-After)."""
    fr = problem.get("detail_fr") or problem.get("detail") or ""
    en = problem.get("detail_en") or problem.get("detail") or ""
    return render_error(status, str(problem.get("title", "")), fr, en, headers)


def html_errors(bp: Blueprint) -> None:
    """Render errors raised by this blueprint's views as HTML pages (a form posted by a
    browser, a page asked by curl), unless the client ranks JSON above HTML."""

    @bp.errorhandler(SocleError)
    def _socle(err: SocleError):
        if wants_json():
            return socle_error(err, pages=False)
        return render_error(err.status, err.title, err.detail_fr, err.detail_en,
                            getattr(err, "headers", None))

    @bp.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if wants_json():
            return http_error(err, pages=False)
        status = err.code or 500
        fr, en = _HTTP_TEXTS.get(status, (err.description or "", err.description or ""))
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        methods = getattr(err, "valid_methods", None)  # MethodNotAllowed's
        headers = {"Allow": ", ".join(methods)} if methods else None
        return render_error(status, err.name, fr.format(limit=limit), en.format(limit=limit),
                            headers)


def init_app(app: Flask) -> None:
    app.extensions["socle_error_page"] = (prefers_html, render_problem)
