"""Curator area: the publisher's records, create / edit through the form, delete.

Writes go through the records service exactly as the API's do (same validation, same
atomicity, same ownership check: a curator writes only their publisher's records, 403
otherwise). A refused record comes back as the form, everything typed kept, each validation
result beside the field it concerns.

"Enregistrer comme brouillon" saves a draft (non-public, kept whatever its validation says,
``service/catalog/private.py``); "Publier" publishes (strict validation). The dashboard lists
the publisher's drafts and quarantined records (harvested, still violating after repair) with
their fix lists; both open in the same form, which publishes them.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from service.catalog import bookkeeping
from service.catalog.private import fix_list
from service.catalog.publishers import get_publisher
from service.catalog.records import check_owner
from service.errors import InvalidRecord, SocleError
from service.services import services
from service.web import remarks, vocabulary
from service.web.errors import html_errors
from service.web.form import DatasetForm, DistributionForm, place_results, slugify
from service.web.i18n import current, t
from service.web.session import current_curator, login_required

bp = Blueprint("curator", __name__, url_prefix="/curator")
html_errors(bp)
PAGE = 50


def _vocab() -> vocabulary.Vocabularies:
    return vocabulary.load(services().settings.vocab_dir)


def _import_url() -> str | None:
    """The import page of the ingest module, when that module is installed."""
    from flask import current_app

    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.endswith("import_page"):
            return str(rule.rule)
    return None


@bp.get("/")
@login_required
def dashboard():
    curator = current_curator()
    store = services().store
    offset = max(request.args.get("offset", 0, type=int), 0)
    metas = bookkeeping.list_records(store, publisher=curator.publisher, limit=PAGE,
                                     offset=offset)
    titles = bookkeeping.titles(store, [m.iri for m in metas])
    _, hidden = services().records.list_private(curator.publisher, limit=PAGE)
    return render_template(
        "curator/dashboard.html",
        publisher=get_publisher(store, services().settings.base_url, curator.publisher),
        records=[(m, titles.get(m.iri, m.id)) for m in metas], offset=offset, page=PAGE,
        total=bookkeeping.count_records(store, curator.publisher), import_url=_import_url(),
        saved=request.args.get("saved"), deleted=request.args.get("deleted"),
        drafts=[(m, _private_title(m), fix_list(m.validation)) for m in hidden
                if m.status == "draft"],
        quarantined=[(m, _private_title(m), fix_list(m.validation)) for m in hidden
                     if m.status == "quarantine"])


def _private_title(meta) -> str:
    """A non-public record's title (its graph is not in the store), French first."""
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS

    graph = services().records.graph(meta)
    found = sorted(graph.objects(URIRef(meta.iri), DCTERMS.title),
                   key=lambda o: getattr(o, "language", None) != current())
    return str(found[0]) if found else meta.id


def _shown(results: list[dict]) -> list[dict]:
    """What the curator can act on (service/web/remarks.py)."""
    pub = get_publisher(services().store, services().settings.base_url,
                        current_curator().publisher, required=False)
    return remarks.for_curators(results, _vocab(), pub.iri if pub else None)


def _render(form: DatasetForm, *, meta=None, placed=None, local=None, problem=None,
            status: int = 200):
    return render_template("curator/form.html", form=form, meta=meta, placed=placed or {},
                           local=local or {}, problem=problem, vocab=_vocab(),
                           saved=request.args.get("saved")), status


def _free_id(slug: str) -> str:
    store, private = services().store, services().records.private
    candidate, n = slug, 2
    while bookkeeping.by_id(store, candidate) is not None or private.metas("id", [candidate]):
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


@bp.route("/datasets/new", methods=["GET", "POST"])
@login_required
def create():
    if request.method == "GET":
        return _render(DatasetForm(distributions=[DistributionForm()]))
    form = DatasetForm.from_request(request.form)
    if request.form.get("action") == "add-distribution":
        form.distributions.append(DistributionForm())
        return _render(form)
    local = form.local_errors(creating=True, lang=current())
    if local:
        return _render(form, local=local, status=422)
    record_id = _free_id(form.identifier or slugify(form.title))
    form.identifier = record_id
    iri = f"{services().settings.base_url}/datasets/{record_id}"
    graph, rows = form.to_graph(iri)
    try:
        result = services().records.create(current_curator().publisher, graph, _asked())
    except InvalidRecord as err:
        form.identifier = "" if not request.form.get("identifier") else form.identifier
        placed = place_results(_shown(err.extra.get("results", [])), graph, iri, rows)
        return _render(form, placed=placed, problem=err, status=422)
    except SocleError as err:
        return _render(form, problem=err, status=err.status)
    return redirect(url_for("curator.edit", record_id=result.meta.id, saved="1"))


def _asked():
    """The button pressed: "draft" saves a draft, anything else publishes."""
    return "draft" if request.form.get("action") == "draft" else "public"


def _owned(record_id: str):
    meta = services().records.any_meta(record_id)  # drafts and quarantined records too
    check_owner(current_curator().publisher, meta.publisher)
    return meta


@bp.route("/datasets/<record_id>/edit", methods=["GET", "POST"])
@login_required
def edit(record_id: str):
    meta = _owned(record_id)
    stored = services().records.graph(meta)
    if request.method == "GET":
        form = DatasetForm.from_graph(stored, meta.iri)
        if not form.distributions:
            form.distributions.append(DistributionForm())
        _, rows = form.to_graph(meta.iri, stored)
        placed = place_results(_shown(meta.validation.get("results", [])), stored, meta.iri, rows)
        return _render(form, meta=meta, placed=placed)
    form = DatasetForm.from_request(request.form)
    form.identifier = DatasetForm.from_graph(stored, meta.iri).identifier
    if request.form.get("action") == "add-distribution":
        form.distributions.append(DistributionForm())
        return _render(form, meta=meta)
    local = form.local_errors(creating=False, lang=current())
    if local:
        return _render(form, meta=meta, local=local, status=422)
    graph, rows = form.to_graph(meta.iri, stored)
    try:
        services().records.replace(current_curator().publisher, record_id, graph, _asked())
    except InvalidRecord as err:
        placed = place_results(_shown(err.extra.get("results", [])), graph, meta.iri, rows)
        return _render(form, meta=meta, placed=placed, problem=err, status=422)
    except SocleError as err:
        if err.status == 403:
            raise
        return _render(form, meta=meta, problem=err, status=err.status)
    return redirect(url_for("curator.edit", record_id=record_id, saved="1"))


@bp.route("/datasets/<record_id>/delete", methods=["GET", "POST"])
@login_required
def delete(record_id: str):
    meta = _owned(record_id)
    title = bookkeeping.titles(services().store, [meta.iri]).get(meta.iri, meta.id)
    if request.method == "GET":
        return render_template("curator/delete.html", meta=meta, title=title)
    if request.form.get("confirm") != "yes":
        return render_template("curator/delete.html", meta=meta, title=title, error=t(
            "Cochez la case pour confirmer la suppression.",
            "Tick the box to confirm the deletion.")), 400
    services().records.delete(current_curator().publisher, record_id)
    return redirect(url_for("curator.dashboard", deleted=meta.id))
