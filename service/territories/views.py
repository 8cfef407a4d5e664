"""Territories over HTTP: the obligation dashboard, the registry as RDF, the resolver.

- `GET /territories[.json|.csv]`: the whole instance's dashboard
- `GET /territories/{key}[.json|.csv]`: an EPCI (SIREN), département (`dep-35`), région
  (`reg-53`) or commune (SIREN); `.ttl|.rdf|.jsonld|.nt` give the territory as SKOS
- `GET /territories.ttl|.nt`: the whole registry as a SKOS vocabulary
- `GET /territories/resolve?q=Rennes`: the resolver as JSON (for forms)
HTML by default, or by `Accept`; the suffix wins over `Accept`.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify, render_template, request

from service.errors import NotFound, SocleError
from service.rdf.formats import BY_MEDIA_TYPE, BY_SUFFIX
from service.rdf.parse import to_rdflib
from service.rdf.serialize import serialize
from service.services import services
from service.territories.chart import coverage_svg
from service.territories.obligation import Dashboard, dashboard
from service.territories.rdf import dump, territory_triples
from service.territories.registry import Territory, registry
from service.territories.resolve import resolve
from service.web.i18n import current

bp = Blueprint("territories", __name__)
TABULAR = {"json": "application/json", "csv": "text/csv", "html": "text/html"}
CSV_COLUMNS = ("code", "siren", "name", "population", "likely_obliged", "exempt", "publishers",
               "datasets", "scdl", "completeness")


def _format(suffix: str | None) -> str:
    """html, json, csv, or an RDF suffix; 404 for an unknown suffix."""
    if suffix is not None:
        if suffix in TABULAR or suffix in BY_SUFFIX:
            return suffix
        raise NotFound(f"Format inconnu « .{suffix} ».", f"Unknown format '.{suffix}'.")
    offers = ["text/html", "application/json", "text/csv", *BY_MEDIA_TYPE]
    best = request.accept_mimetypes.best_match(offers) if request.accept_mimetypes else None
    if best is None or best == "text/html":
        return "html"
    for name, media in TABULAR.items():
        if best == media:
            return name
    return BY_MEDIA_TYPE[best].suffix


def _threshold() -> int:
    raw = request.args.get("threshold")
    if raw is None:
        return services().settings.obligation_threshold
    if not raw.isdigit():
        raise SocleError(f"Seuil invalide « {raw} » : un entier attendu.",
                         f"Invalid threshold '{raw}': an integer expected.",
                         parameter="threshold")
    return int(raw)


def _answer(board: Dashboard, fmt: str, filename: str) -> Response:
    if fmt == "json":
        return jsonify(board.to_dict())
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for r in board.rows:
            writer.writerow([r.code, r.siren or "", r.name, r.population or "",
                             "oui" if r.likely_obliged else "non", r.exempt or "",
                             " ".join(r.publishers), r.datasets, " ".join(r.scdl),
                             "" if r.completeness is None else r.completeness])
        return Response(out.getvalue(), content_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{filename}.csv"'})
    return Response(render_template("territories/dashboard.html", board=board,
                                    summary=board.summary,
                                    chart=coverage_svg(board, current())),
                    content_type="text/html; charset=utf-8")


@bp.get("/territories")
def instance():
    return _instance(None)


@bp.get("/territories.<suffix>")
def instance_suffix(suffix: str):
    return _instance(suffix)


def _instance(suffix: str | None) -> Response:
    fmt = _format(suffix)
    if fmt in ("ttl", "nt"):
        return Response(dump(fmt), content_type=BY_SUFFIX[fmt].content_type)
    if fmt in BY_SUFFIX:
        raise NotFound("Le registre entier est servi en .ttl et .nt.",
                       "The whole registry is served as .ttl and .nt.")
    board = dashboard(services().store, None, _threshold())
    response = _answer(board, fmt, "territoires")
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/territories/resolve")
def resolve_view():
    result = resolve(request.args.get("q", ""))
    return jsonify({"query": result.text,
                    "territory": _brief(result.territory) if result.territory else None,
                    "candidates": [_brief(t) for t in result.candidates[:20]]})


def _brief(t: Territory) -> dict[str, object]:
    return {"iri": t.iri, "label": t.label, "name": t.name, "kind": t.kind, "code": t.code,
            "siren": t.siren, "key": t.key, "population": t.legal_population}


@bp.get("/territories/<name>")
def area(name: str):
    key, dot, suffix = name.partition(".")
    territory = registry().by_key(key)
    if territory is None:
        raise NotFound(
            f"Territoire inconnu « {key} » : SIREN d'EPCI ou de commune, dep-35 ou reg-53 "
            f"(registre {registry().version}).",
            f"Unknown territory '{key}': an EPCI or commune SIREN, dep-35 or reg-53 "
            f"(registry {registry().version}).")
    fmt = _format(suffix if dot else None)
    if fmt in BY_SUFFIX:
        syntax = BY_SUFFIX[fmt]
        graph = to_rdflib(territory_triples(territory))
        response = Response(serialize(graph, syntax), content_type=syntax.content_type)
    else:
        board = dashboard(services().store, territory, _threshold())
        response = _answer(board, fmt, f"territoire-{territory.key}")
    response.headers["Vary"] = "Accept"
    return response
