"""HTML pages for the public and for curators (server-rendered Jinja, no front-end build).

`init_app` wires the page blueprints, the language switch, the curator sessions and the
search index (an observer of the records service, like the feed's order index).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from service.web.search_index import SearchIndex


@dataclass
class WebState:
    search: SearchIndex


def init_app(app: Flask) -> None:
    from service.web import errors, headers, i18n, session
    from service.web.curator_views import bp as curator_bp
    from service.web.import_views import bp as import_bp
    from service.web.public_views import bp as public_bp
    from service.web.validate_views import bp as validate_bp
    from service.web.views import bp as web_bp

    svc = app.extensions["socle"]
    from service.feed.index import Filters

    # The feed's order index already holds each record's id, publisher, dates and themes.
    index = SearchIndex(svc.store, lambda: svc.feed_index.page(Filters(), 0, 10**9).entries)
    svc.records.observers.append(index)
    svc.feed_index.followers.append(index)  # other processes' writes (external store)
    index.before_read = svc.feed_index.follow
    app.extensions["socle_web"] = WebState(index)
    headers.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    session.init_app(app)
    for bp in (web_bp, public_bp, session.bp, curator_bp, import_bp, validate_bp):
        app.register_blueprint(bp)
    if svc.settings.demo:
        from service.web.demo import ensure_demo_curator

        ensure_demo_curator(svc.store, svc.settings.base_url)
