"""The operator area (`/admin/`): publishers, tokens, curators, harvest sources, exemptions,
re-validation and backup download, in the web pages, while the service runs.

Only curators with the operator role (`socle curator add LOGIN --publisher P --operator`) get
in: others get 403, anonymous visitors the login page. Every POST carries the session's CSRF
token. Each action calls the same functions as the CLI command of the same name.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import Blueprint, Response, render_template, request

from service.catalog.publishers import Publisher
from service.errors import SocleError
from service.ops.logs import event
from service.services import services
from service.web.errors import html_errors
from service.web.i18n import t
from service.web.session import current_curator, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
html_errors(bp)


class NotOperator(SocleError):
    status = 403
    title = "Operators only"
    type_slug = "operators-only"


def operator_required(view: Callable) -> Callable:
    @wraps(view)
    @login_required  # also checks the CSRF token of every POST
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        curator = current_curator()
        if curator is None or not curator.operator:
            raise NotOperator("Réservé aux opérateurs de la plateforme.",
                              "Reserved to the platform's operators.")
        return view(*args, **kwargs)

    return wrapper


def _page(message: str | None = None, error: str | None = None, token: str | None = None,
          status: int = 200) -> tuple[str, int]:
    from service.auth.curators import list_curators
    from service.catalog.publishers import list_publishers
    from service.ingest.harvest.sources import list_sources
    from service.territories.exemptions import exemptions

    store = services().store
    return render_template(
        "admin/index.html", publishers=list_publishers(store),
        curators=list_curators(services().files),
        sources=list_sources(store), exemptions=sorted(exemptions(store).values(),
                                                       key=lambda e: e.siren),
        message=message, error=error, token=token), status


def _publisher(publisher_id: str) -> Publisher:
    from service.catalog.publishers import get_publisher

    svc = services()
    pub = get_publisher(svc.store, svc.settings.base_url, publisher_id)
    assert pub is not None  # required=True raises NotFound instead
    return pub


def _form(name: str) -> str:
    return request.form.get(name, "").strip()


def _act(action: Callable[[], str], what: str) -> tuple[str, int]:
    """Run an action; the page again with its message, or its error (nothing changed)."""
    try:
        message = action()
    except SocleError as err:
        return _page(error=t(err.detail_fr, err.detail_en), status=err.status)
    event("admin_action", action=what, operator=current_curator().login)  # type: ignore[union-attr]
    return _page(message=message)


@bp.get("/")
@operator_required
def index():
    return _page()


@bp.post("/publishers")
@operator_required
def publisher_add():
    from service.catalog.publishers import add_publisher

    def run() -> str:
        svc = services()
        pub = add_publisher(svc.store, svc.settings.base_url, _form("id"), _form("name"),
                            _form("siren") or None)
        return t(f"Éditeur créé : {pub.id}", f"Publisher created: {pub.id}")

    return _act(run, "publisher_add")


@bp.post("/tokens")
@operator_required
def token_create():
    from service.auth.tokens import create_token

    svc = services()
    try:
        pub = _publisher(_form("publisher"))
        secret = create_token(svc.files, pub)
    except SocleError as err:
        return _page(error=t(err.detail_fr, err.detail_en), status=err.status)
    event("admin_action", action="token_create", publisher=pub.id,
          operator=current_curator().login)  # type: ignore[union-attr]
    return _page(message=t(f"Jeton créé pour {pub.id} (affiché une seule fois) :",
                           f"Token created for {pub.id} (shown once):"), token=secret)


@bp.post("/curators")
@operator_required
def curator_add():
    from service.auth.curators import add_curator

    def run() -> str:
        svc = services()
        pub = _publisher(_form("publisher"))
        found = add_curator(svc.files, pub, _form("login"), request.form.get("password", ""),
                            operator=request.form.get("operator") == "on")
        return t(f"Gestionnaire créé : {found.login}", f"Curator created: {found.login}")

    return _act(run, "curator_add")


@bp.post("/sources")
@operator_required
def source_add():
    from service.ingest.harvest.sources import add_source

    def run() -> str:
        svc = services()
        _publisher(_form("publisher"))
        src = add_source(svc.store, _form("url"), _form("publisher"), name=_form("name") or None)
        return t(f"Source ajoutée : {src.id}", f"Source added: {src.id}")

    return _act(run, "source_add")


@bp.post("/exemptions")
@operator_required
def exemption_add():
    from service.territories.exemptions import exempt

    def run() -> str:
        item = exempt(services().store, _form("siren"), _form("reason"))
        return t(f"Exemption enregistrée : {item.siren}", f"Exemption recorded: {item.siren}")

    return _act(run, "exempt")


@bp.post("/revalidate")
@operator_required
def revalidate():
    from service.catalog.revalidate import revalidate_all

    def run() -> str:
        svc = services()
        result = revalidate_all(svc.store, svc.validator, svc.settings.base_url)
        counts = result.summary()
        return t(f"Revalidation terminée : {counts}", f"Re-validation done: {counts}")

    return _act(run, "revalidate")


@bp.get("/backup.tar.gz")
@operator_required
def backup() -> Response:
    from service.ops.backup import write_backup

    out = io.BytesIO()
    summary = write_backup(services().store, out, services().private)
    event("admin_action", action="backup", quads=summary.quads,
          operator=current_curator().login)  # type: ignore[union-attr]
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H%M%SZ")
    return Response(out.getvalue(), mimetype="application/gzip", headers={
        "Content-Disposition": f'attachment; filename="socle-{stamp}.tar.gz"',
        "Cache-Control": "no-store"})


