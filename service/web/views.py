"""Public pages: home with the catalogue figures; the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from service.app import services
from service.catalog import bookkeeping
from service.catalog.publishers import list_publishers

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    store = services().store
    latest = bookkeeping.list_records(store, limit=50)
    titles = bookkeeping.titles(store, [m.iri for m in latest])
    return render_template("home.html", publishers=list_publishers(store),
                           total=bookkeeping.count_records(store),
                           latest=[(m, titles.get(m.iri, m.id)) for m in latest])


@bp.get("/health")
def health():
    store = services().store
    store.ask("ASK { }")
    return jsonify({"status": "ok", "records": bookkeeping.count_records(store)})
