"""Public pages: home with the catalogue figures; the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from service.catalog import bookkeeping
from service.services import services

bp = Blueprint("web", __name__, static_folder="static", static_url_path="/static/web")


@bp.get("/")
def home():
    from service.web.public_views import home_context

    return render_template("home.html", **home_context())


@bp.get("/health")
def health():
    store = services().store
    store.ask("ASK { }")
    return jsonify({"status": "ok", "records": bookkeeping.count_records(store)})
