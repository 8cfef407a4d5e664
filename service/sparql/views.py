"""GET|POST /sparql: the SPARQL 1.1 Protocol (query operation only), and the query page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from service.errors import NotAcceptable, SocleError, UnsupportedMediaType
from service.problems import problem_response
from service.services import services
from service.sparql import formats
from service.sparql.errors import (
    InvalidDataset,
    MissingQuery,
    QuerySyntaxError,
    QueryTooComplex,
    ReadOnly,
    ServiceRefused,
)
from service.sparql.shape import shape as query_shape

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
# Nesting plus operator chains (shape.cost): pyoxigraph's recursive evaluation overflows the
# worker's stack (SIGSEGV) somewhere between 2,000 and 10,000 levels.
MAX_COST = 1000


def executor():
    executor = services().sparql
    assert executor is not None, "service.sparql.init_app sets it"
    return executor


@bp.after_app_request
def _cors(response: Response) -> Response:
    """On every answer of the endpoint, a 405 from the router included."""
    if request.blueprint == "sparql" or request.path == "/sparql":
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
    # Relative IRIs in the query resolve against the endpoint's URL (the service-defined base
    # IRI of the SPARQL 1.1 Protocol; without one, `<s>` is a syntax error).
    base_iri = services().settings.base_url.rstrip("/") + "/sparql"
    shape = query_shape(query, base_iri)
    if shape.cost > MAX_COST:
        raise QueryTooComplex(
            f"Requête trop imbriquée ou trop longue (profondeur {shape.cost}, limite "
            f"{MAX_COST}) : utilisez VALUES ou IN plutôt que de longues chaînes de || ou UNION.",
            f"Query nested too deeply or too long (depth {shape.cost}, limit {MAX_COST}): use "
            "VALUES or IN rather than long chains of || or UNION.",
            depth=shape.cost, limit=MAX_COST)
    if shape.form == "UPDATE":
        raise _read_only()
    if shape.uses_service and not services().settings.sparql_allow_service:
        raise ServiceRefused(
            "SERVICE (requête fédérée) est refusé : ce serveur n'interroge pas d'autres serveurs.",
            "SERVICE (federated query) is refused: this server does not query other servers.")
    if request.method in ("GET", "HEAD") and "format" not in params and _wants_html():
        return _page(query)
    fmt = _choose_format(shape.form or "SELECT", params.get("format"))
    default_graph = _graphs(params, "default-graph-uri")
    named_graphs = _graphs(params, "named-graph-uri")
    explicit = bool(default_graph or named_graphs)
    cache = "no-store"
    if request.method in ("GET", "HEAD"):
        cache = f"public, max-age={executor().limits.cache_max_age}"
    response = executor().run(
        query, fmt, base_iri=base_iri, union=not shape.has_dataset_clause,
        default_graph=default_graph if explicit else None,
        named_graphs=named_graphs if explicit else None, cache=cache,
        client=request.remote_addr or "")
    if params.get("download"):
        response.headers["Content-Disposition"] = (
            f'attachment; filename="resultats.{formats.extension(fmt)}"')
    return response


def _read_request():
    """(parameters, query text or None); refuses updates and unsupported bodies."""
    if request.method in ("GET", "HEAD"):
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


def _quality(media: str) -> float:
    """The q-value the request's Accept gives `media`: that of the most specific range that
    matches it (RFC 9110 §12.5.1), 0 when none does."""
    main, _, sub = media.partition("/")
    best, quality = -1, 0.0
    for value, q in request.accept_mimetypes:
        kind, _, subkind = value.split(";")[0].strip().lower().partition("/")
        if value == "*" or (kind, subkind) == ("*", "*"):
            rank = 0
        elif kind == main and subkind == "*":
            rank = 1
        elif kind == main and subkind == sub:
            rank = 2
        else:
            continue
        if rank > best:
            best, quality = rank, q
    return quality


def _wants_html() -> bool:
    """HTML (the query page) only when Accept prefers it to every result format."""
    if not request.accept_mimetypes or not request.accept_mimetypes.provided:
        return False
    html = _quality("text/html")
    results = max(_quality(media) for form in ("SELECT", "CONSTRUCT")
                  for media, _ in formats.offers(form))
    return html > results


def _choose_format(form: str, short: str | None) -> str:
    """`format=` when it names a format of this form; otherwise Accept (an unknown name, such
    as SPARQLWrapper's `format=n3`, falls back to Accept)."""
    if short:
        key = formats.by_short_name(form, short)
        if key is not None:
            return key
    offers = formats.offers(form)
    if not request.accept_mimetypes.provided:
        return offers[0][1]
    best, best_q = None, 0.0
    for media, key in offers:  # the server's order breaks ties
        q = _quality(media)
        if q > best_q:
            best, best_q = key, q
    if best is None:
        names = ", ".join(media for media, _ in offers[:4])
        raise NotAcceptable(f"Aucun format demandé n'est disponible ; formats : {names}.",
                            f"None of the requested formats is available; formats: {names}.")
    return best


def _graphs(params, name: str) -> list[str]:
    """The `default-graph-uri` / `named-graph-uri` values, each an absolute IRI (400 otherwise)."""
    import pyoxigraph as ox

    values = params.getlist(name)
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise InvalidDataset(f"« {value} » n'est pas une IRI valide ({name}).",
                                 f"'{value}' is not a valid IRI ({name}).",
                                 parameter=name, value=value) from None
    return values


def _page(query: str) -> Response:
    from service.sparql.examples import PREFIX_BLOCK, examples
    from service.web.i18n import current

    shown = examples(current())
    html = render_template("sparql/query.html", query=query or shown[0]["query"],
                           examples=shown, prefixes=PREFIX_BLOCK)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Vary"] = "Accept, Cookie"  # the language: ?lang= or its cookie
    return response
