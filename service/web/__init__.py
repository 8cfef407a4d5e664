"""HTML pages for the public and for curators (server-rendered Jinja, no front-end build).

`init_app` sets up the language switch and the curator sessions; `blueprints()` lists the
pages, which service/app.py registers. The search index the pages read is built by the
composition root (service/services.py), as an observer of the records service.
"""

from __future__ import annotations

from flask import Blueprint, Flask


def blueprints() -> list[Blueprint]:
    from service.web import session
    from service.web.curator_views import bp as curator_bp
    from service.web.import_views import bp as import_bp
    from service.web.public_views import bp as public_bp
    from service.web.site_views import bp as site_bp
    from service.web.validate_views import bp as validate_bp
    from service.web.views import bp as web_bp

    return [web_bp, public_bp, session.bp, curator_bp, import_bp, validate_bp, site_bp]


def init_app(app: Flask) -> None:
    from service.services import services_of
    from service.web import errors, headers, i18n, session

    svc = services_of(app)
    headers.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    session.init_app(app)
    if svc.settings.demo:
        from service.web.demo import ensure_demo_curator

        ensure_demo_curator(svc.store, svc.files, svc.settings.base_url)
