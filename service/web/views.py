"""Public pages: home with the catalogue figures; the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from service.app import services
from service.catalog import bookkeeping
from service.catalog.publishers import list_publishers
from service.rdf.namespaces import DCTERMS
from service.web.labels import text

bp = Blueprint("web", __name__)


@bp.get("/")
def home():
    store = services().store
    latest = bookkeeping.list_records(store, limit=50)
    titled = []
    for meta in latest:
        graph = services().records.graph(meta)
        from rdflib import URIRef

        titled.append((meta, text(graph, URIRef(meta.iri), DCTERMS.title) or meta.id))
    return render_template("home.html", publishers=list_publishers(store),
                           total=bookkeeping.count_records(store), latest=titled)


@bp.get("/health")
def health():
    store = services().store
    store.ask("ASK { }")
    return jsonify({"status": "ok", "records": bookkeeping.count_records(store)})
