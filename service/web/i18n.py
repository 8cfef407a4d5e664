"""French first, English on request: the reader's language for the pages.

The language is French unless the reader chose English with the switch in the header
(`?lang=en`, remembered in a cookie). Templates call ``t("texte", "text")`` so both texts sit
side by side in the template, where a translator sees them together.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, g, request

LANGS = ("fr", "en")
COOKIE = "socle_lang"


def current() -> str:
    lang = getattr(g, "socle_lang", None)
    if lang is None:
        wanted = request.args.get("lang") or request.cookies.get(COOKIE) or "fr"
        lang = wanted if wanted in LANGS else "fr"
        g.socle_lang = lang
    return lang


def t(fr: str, en: str) -> str:
    return en if current() == "en" else fr


def switch_url(lang: str) -> str:
    """The current page in the other language (the query string kept, `lang` replaced)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    query = urlencode([(k, v) for k, values in args.items() for v in values])
    return f"{request.path}?{query}"


# Import and harvest outcomes and run states, as a curator reads them.
OUTCOMES = {"created": ("créé", "created"), "updated": ("mis à jour", "updated"),
            "unchanged": ("inchangé", "unchanged"), "withdrawn": ("retiré", "withdrawn"),
            "missing": ("absent de la source", "missing from the source"),
            "failed": ("en échec", "failed"), "skipped": ("ignoré", "skipped"),
            "quarantined": ("en quarantaine (non publié)", "quarantined (not published)")}


def outcome(value: str) -> str:
    return t(*OUTCOMES.get(value, (value, value)))


def run_status(value: str) -> str:
    from service.ingest.harvest.report import STATUS_LABELS

    return t(*STATUS_LABELS.get(value, (value, value)))


def plural(n: int, fr_one: str, fr_many: str, en_one: str, en_many: str) -> str:
    from service.web import formats

    return formats.plural(n, current(), (fr_one, fr_many), (en_one, en_many))


def init_app(app: Flask) -> None:
    from service.web import formats

    @app.context_processor
    def _inject() -> dict:
        return {"t": t, "lang": current(), "switch_url": switch_url, "plural": plural,
                "outcome": outcome, "run_status": run_status}

    app.add_template_filter(lambda v: formats.number(v, current()), "number")
    app.add_template_filter(lambda v: formats.day(v, current()), "day")
    app.add_template_filter(lambda v: formats.moment(v, current()), "moment")

    @app.after_request
    def _remember(response: Response) -> Response:
        wanted = request.args.get("lang")
        if wanted in LANGS and request.cookies.get(COOKIE) != wanted:
            response.set_cookie(COOKIE, wanted, max_age=365 * 86400, samesite="Lax",
                                httponly=True)
        return response
