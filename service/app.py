"""create_app: the Flask application factory. It only wires modules together."""

from __future__ import annotations

import atexit
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import Flask, current_app

from service.catalog.records import RecordService
from service.config import Settings
from service.feed.index import FeedIndex
from service.store import Store, open_for


@dataclass
class Services:
    """What the blueprints use; one per process, handed out through the app."""

    settings: Settings
    store: Store
    validator: Any
    records: RecordService
    feed_index: FeedIndex


def services() -> Services:
    return current_app.extensions["socle"]


@lru_cache(maxsize=4)
def load_validator(shapes_dir: str, vocab_dir: str) -> Any:
    """Shapes are compiled once per process: validators are immutable and thread-safe."""
    from service.validation import Validator

    return Validator(shapes_dir=shapes_dir, vocab_dir=vocab_dir)


def build_services(settings: Settings) -> Services:
    store = settings.store or open_for(settings)
    validator = load_validator(settings.shapes_dir, settings.vocab_dir)
    records = RecordService(store, validator, settings.base_url)
    feed_index = FeedIndex(store)
    records.observers.append(feed_index)
    from service.quality.keeper import QualityKeeper

    records.observers.append(QualityKeeper(store))  # MQA score of every write (docs/quality.md)
    return Services(settings, store, validator, records, feed_index)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__, template_folder="web/templates")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    svc = build_services(settings)
    app.extensions["socle"] = svc
    if settings.store is None:
        atexit.register(svc.store.close)
    if settings.demo:
        from service.ingest.demo import load_demo

        load_demo(svc.store, svc.records)

    from service import problems
    from service.feed.views import bp as feed_bp
    from service.records.views import bp as records_bp
    from service.sparql import init_app as init_sparql
    from service.territories.views import bp as territories_bp
    from service.web import init_app as init_web

    problems.init_app(app)
    app.register_blueprint(records_bp)
    app.register_blueprint(feed_bp)
    init_web(app)
    app.register_blueprint(territories_bp)
    init_sparql(app)
    from service.ingest.harvest.views import bp as harvest_bp

    app.register_blueprint(harvest_bp)
    from service.ingest.publisher_http import bp as publisher_import_bp

    app.register_blueprint(publisher_import_bp)  # SCDL CSV / RDF import, catalogue.csv
    from service.quality.views import init_app as init_quality

    init_quality(app)  # /publishers/{id}/quality, /quality, dataset panels (docs/quality.md)
    return app
