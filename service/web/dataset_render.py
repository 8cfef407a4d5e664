"""The dataset page as HTML: what the records API (`records/views.py`) answers a browser by
content negotiation on `GET /datasets/{id}`.

Kept apart from the public pages' blueprint (`public_views.py`) so that the JSON API reaches a
rendering function, not the module registering the HTML routes.
"""

from __future__ import annotations

from flask import render_template
from rdflib import Graph

from service.catalog.bookkeeping import RecordMeta
from service.catalog.publishers import get_publisher
from service.rdf.formats import SYNTAXES
from service.services import services
from service.web import dataset_page, remarks, vocabulary
from service.web.i18n import current


def vocabularies() -> vocabulary.Vocabularies:
    """The labels of the controlled vocabularies (loaded once per directory)."""
    return vocabulary.load(services().settings.vocab_dir)


def dataset_html(meta: RecordMeta, graph: Graph) -> str:
    """The dataset page of a public record."""
    settings = services().settings
    pub = get_publisher(services().store, settings.base_url, meta.publisher, required=False)
    url = f"{settings.base_url}/datasets/{meta.id}"
    page = dataset_page.build(meta, graph, vocabularies(), current(),
                              pub.name if pub else meta.publisher, url)
    shown = remarks.for_curators(meta.validation.get("results", []), vocabularies(),
                                 pub.iri if pub else None)
    return render_template("records/dataset.html", meta=meta, page=page, pub=pub,
                           formats=SYNTAXES, url=url, results=shown)
