"""Errors on pages: the same statuses as the API, as an HTML page a person can read.

The API answers problem+json (service/problems.py); a browser posting a form should get a page
with the same status and the same bilingual message, and a link back.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from werkzeug.exceptions import HTTPException

from service.errors import SocleError

_HTTP_TEXTS = {
    400: ("Requête invalide.", "Bad request."),
    403: ("Accès refusé.", "Forbidden."),
    404: ("Page introuvable.", "Page not found."),
    405: ("Méthode non autorisée.", "Method not allowed."),
    413: ("Envoi trop volumineux (limite : {limit} octets).",
          "Upload too large (limit: {limit} bytes)."),
}


def render_error(status: int, title: str, fr: str, en: str):
    return render_template("errors/error.html", status=status, title=title, detail_fr=fr,
                           detail_en=en, path=request.path), status


def html_errors(bp: Blueprint) -> None:
    """Render errors raised by this blueprint's views as HTML pages."""

    @bp.errorhandler(SocleError)
    def _socle(err: SocleError):
        return render_error(err.status, err.title, err.detail_fr, err.detail_en)

    @bp.errorhandler(HTTPException)
    def _http(err: HTTPException):
        from flask import current_app

        status = err.code or 500
        fr, en = _HTTP_TEXTS.get(status, (err.description or "", err.description or ""))
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return render_error(status, err.name, fr.format(limit=limit), en.format(limit=limit))
