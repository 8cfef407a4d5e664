"""The validation page: paste or upload RDF, read the report. Nothing is stored.

It answers what `POST /validate` answers, for people: the same records service check (one
record, publisher added when chosen), the results grouped by severity in French first.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from service.catalog.publishers import list_publishers
from service.errors import SocleError
from service.rdf.formats import BY_NAME, SYNTAXES, syntax_for_filename
from service.rdf.isolate import isolation_of, parse_untrusted
from service.rdf.limits import RECORD
from service.services import services
from service.web.errors import html_errors
from service.web.i18n import t

bp = Blueprint("validation_page", __name__)
html_errors(bp)


@bp.route("/validation", methods=["GET", "POST"])
def validation():
    publishers = list_publishers(services().store)
    context = {"publishers": publishers, "syntaxes": SYNTAXES, "text": "", "syntax": "turtle",
               "publisher": "", "report": None, "problem": None}
    if request.method == "GET":
        return render_template("public/validation.html", **context)
    upload = request.files.get("file")
    text = request.form.get("text", "")
    syntax = BY_NAME.get(request.form.get("syntax", "turtle"), BY_NAME["turtle"])
    publisher = request.form.get("publisher") or None
    context.update(text=text, syntax=syntax.name, publisher=publisher or "")
    body = upload.read() if upload and upload.filename else text.encode("utf-8")
    if upload and upload.filename:
        syntax = syntax_for_filename(upload.filename) or syntax
    status = 200
    headers: dict[str, str] = {}
    try:
        settings = services().settings
        services().rate_limits.check("validate", settings.validate_per_minute,
                                     settings.validate_burst, request.remote_addr)
        if not body.strip():
            raise SocleError("Collez un document RDF ou choisissez un fichier.",
                             "Paste an RDF document or choose a file.")
        graph = parse_untrusted(body, syntax, f"{settings.base_url}/datasets/", RECORD,
                                isolation_of(settings))
        context["report"] = services().records.check(graph, publisher)
    except SocleError as err:
        context["problem"] = err
        status = err.status
        headers.update(getattr(err, "headers", None) or {})  # Retry-After on a 429
    context["verdict"] = t("Conforme", "Conforms") if context["report"] and \
        context["report"]["conforms"] else t("Non conforme", "Does not conform")
    return render_template("public/validation.html", **context), status, headers
