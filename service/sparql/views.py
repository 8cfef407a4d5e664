"""GET|POST /sparql: the SPARQL 1.1 Protocol (query operation only), and the query page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from service.errors import NotAcceptable, SocleError, UnsupportedMediaType
from service.problems import problem_response
from service.services import services
from service.sparql import formats, lexer
from service.sparql.errors import MissingQuery, QuerySyntaxError, ReadOnly, ServiceRefused

bp = Blueprint("sparql", __name__, static_folder="static", static_url_path="/sparql/static")

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "Socle-Max-Rows, Socle-Result-Truncated, Link, Retry-After",
    "Access-Control-Max-Age": "86400",
}
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


def executor():
    executor = services().sparql
    assert executor is not None, "service.sparql.init_app sets it"
    return executor


@bp.after_request
def _cors(response: Response) -> Response:
    if request.blueprint == "sparql":
        response.headers.update(CORS)
    return response


@bp.errorhandler(SocleError)
def _problem(err: SocleError) -> Response:
    headers = dict(getattr(err, "headers", None) or {})
    headers["Cache-Control"] = "no-store"
    return problem_response(err.to_problem(request.path), err.status, headers)


@bp.route("/sparql", methods=["OPTIONS"])
def preflight() -> Response:
    return Response(status=204)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    params, query = _read_request()
    if query is None:
        if _wants_html():
            return _page("")
        raise MissingQuery("Paramètre « query » manquant.", "Missing 'query' parameter.")
    shape = lexer.shape(query)
    if shape.form == "UPDATE":
        raise _read_only()
    if shape.uses_service and not services().settings.sparql_allow_service:
        raise ServiceRefused(
            "SERVICE (requête fédérée) est refusé : ce serveur n'interroge pas d'autres serveurs.",
            "SERVICE (federated query) is refused: this server does not query other servers.")
    if request.method == "GET" and "format" not in params and _wants_html():
        return _page(query)
    fmt = _choose_format(shape.form or "SELECT", params.get("format"))
    default_graph = params.getlist("default-graph-uri")
    named_graphs = params.getlist("named-graph-uri")
    explicit = bool(default_graph or named_graphs)
    cache = "no-store"
    if request.method == "GET":
        cache = f"public, max-age={executor().limits.cache_max_age}"
    # Relative IRIs in the query resolve against the endpoint's URL (the service-defined base
    # IRI of the SPARQL 1.1 Protocol; without one, `<s>` is a syntax error).
    base_iri = services().settings.base_url.rstrip("/") + "/sparql"
    response = executor().run(
        query, fmt, base_iri=base_iri, union=not shape.has_dataset_clause,
        default_graph=default_graph if explicit else None,
        named_graphs=named_graphs if explicit else None, cache=cache)
    if params.get("download"):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="resultats.{formats.extension(fmt)}"')
    return response


def _read_request():
    """(parameters, query text or None); refuses updates and unsupported bodies."""
    if request.method == "GET":
        params = request.args
        if "update" in params:
            raise _read_only()
        return params, _single(params.getlist("query"))
    mimetype = request.mimetype
    if mimetype == FORM:
        # Werkzeug caps a form field at 500 kB; a query may be as long as any request body.
        request.max_form_memory_size = current_app.config.get("MAX_CONTENT_LENGTH")
        params = request.form.copy()
        for key, values in request.args.lists():
            if key not in params:
                params.setlist(key, values)
        if "update" in params:
            raise _read_only()
        query = _single(params.getlist("query"))
        if query is None:
            raise MissingQuery("Paramètre « query » manquant dans le formulaire.",
                               "Missing 'query' field in the form.")
        return params, query
    if mimetype == UPDATE:
        raise _read_only()
    if mimetype == QUERY:
        charset = request.mimetype_params.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(
                f"Seul UTF-8 est accepté pour {QUERY} (reçu : {charset}).",
                f"Only UTF-8 is accepted for {QUERY} (got: {charset}).")
        try:
            query = request.get_data().decode("utf-8")
        except UnicodeDecodeError:
            raise QuerySyntaxError("La requête n'est pas en UTF-8 valide.",
                                   "The query is not valid UTF-8.") from None
        return request.args, query
    raise UnsupportedMediaType(
        f"Type de contenu non pris en charge : « {mimetype or '(aucun)'} ». "
        f"Utilisez {FORM} ou {QUERY}.",
        f"Unsupported content type: '{mimetype or '(none)'}'. Use {FORM} or {QUERY}.")


def _single(values: list[str]) -> str | None:
    if len(values) > 1:
        raise QuerySyntaxError("Un seul paramètre « query » est permis.",
                               "Only one 'query' parameter is allowed.")
    return values[0] if values else None


def _read_only() -> SocleError:
    return ReadOnly(
        "Ce point d'accès SPARQL est en lecture seule : les modifications passent par l'API "
        "des fiches (POST/PUT/DELETE /datasets).",
        "This SPARQL endpoint is read-only: changes go through the records API "
        "(POST/PUT/DELETE /datasets).")


def _wants_html() -> bool:
    accept = request.accept_mimetypes
    if not accept or not accept.provided:
        return False
    best = accept.best_match(["text/html", "application/sparql-results+json"])
    return best == "text/html" and accept["text/html"] > accept["application/sparql-results+json"]


def _choose_format(form: str, short: str | None) -> str:
    if short:
        key = formats.by_short_name(form, short)
        if key is None:
            raise NotAcceptable(f"Format « {short} » inconnu pour une requête {form}.",
                                f"Unknown format '{short}' for a {form} query.")
        return key
    offers = formats.offers(form)
    if not request.accept_mimetypes.provided:
        return offers[0][1]
    best = request.accept_mimetypes.best_match([media for media, _ in offers])
    if best is None:
        names = ", ".join(media for media, _ in offers[:4])
        raise NotAcceptable(f"Aucun format demandé n'est disponible ; formats : {names}.",
                            f"None of the requested formats is available; formats: {names}.")
    return dict(offers)[best]


def _page(query: str) -> Response:
    from service.sparql.examples import EXAMPLES, PREFIX_BLOCK

    html = render_template("sparql/query.html", query=query or EXAMPLES[0]["query"],
                           examples=EXAMPLES, prefixes=PREFIX_BLOCK)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = "Accept"
    return response
