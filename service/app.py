"""create_app: the Flask application factory. It only wires modules together: the services
come from the composition root (service/services.py), the blueprints from `register_blueprints`."""

from __future__ import annotations

import atexit

from flask import Flask

from service.config import Settings
from service.services import EXTENSION, Services, build_services, load_validator, services

__all__ = ["Services", "build_services", "create_app", "load_validator", "services"]


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__, template_folder="web/templates")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    svc = build_services(settings, search=True)
    app.extensions[EXTENSION] = svc
    atexit.register(svc.close)
    if settings.demo:
        from service.ingest.demo import load_demo

        load_demo(svc.store, svc.records)
    register_blueprints(app)
    from service.ops import http as ops_http
    from service.ops import logs as ops_logs

    ops_http.init_app(app, svc.settings.base_url, svc.settings.proxy_hops)
    ops_logs.init_app(app)
    from service.ops import metrics as ops_metrics

    ops_metrics.init_app(app)
    ops_metrics.init_health(app)
    from service.ops.admin_views import bp as admin_bp

    app.register_blueprint(admin_bp)  # the operator area (/admin/)
    from service.ops import openapi

    openapi.init_app(app)
    return app


def register_blueprints(app: Flask) -> None:
    """The one place that lists the HTTP areas."""
    from service import problems
    from service.feed.views import bp as feed_bp
    from service.ingest.harvest.views import bp as harvest_bp
    from service.ingest.publisher_http import bp as publisher_import_bp
    from service.records.views import bp as records_bp
    from service.sparql import init_app as init_sparql
    from service.territories.views import bp as territories_bp
    from service.web import init_app as init_web

    problems.init_app(app)
    app.register_blueprint(records_bp)
    from service.records.private_views import bp as private_records_bp

    app.register_blueprint(private_records_bp)  # drafts, quarantine: /datasets/{id}/publish
    app.register_blueprint(feed_bp)
    init_web(app)
    from service.sparql.views import bp as sparql_bp
    from service.web import blueprints as web_blueprints

    for bp in web_blueprints():
        app.register_blueprint(bp)
    app.register_blueprint(territories_bp)
    init_sparql(app)
    app.register_blueprint(sparql_bp)
    app.register_blueprint(harvest_bp)
    app.register_blueprint(publisher_import_bp)  # SCDL CSV / RDF import, catalogue.csv
    from service.quality.views import init_app as init_quality

    init_quality(app)  # /publishers/{id}/quality, /quality, dataset panels (docs/quality.md)
