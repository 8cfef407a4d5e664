"""The SPARQL 1.1 Protocol endpoint: read-only, time and row limits, query workers.

`init_app(app)` is all the factory calls: it moves token digests out of the store (they must not
be queryable), then registers the blueprint. Workers start on the first query.
"""

from __future__ import annotations

import atexit

from flask import Flask


def init_app(app: Flask) -> None:
    from service.auth.tokens import migrate
    from service.rdf.namespaces import PREFIXES
    from service.sparql.endpoint import Executor, Limits
    from service.sparql.views import bp

    svc = app.extensions["socle"]
    settings = svc.settings
    migrate(svc.store)
    limits = Limits(timeout=float(settings.sparql_timeout),
                    max_rows=int(settings.sparql_max_rows),
                    max_concurrent=int(settings.sparql_max_concurrent),
                    queue_wait=float(settings.sparql_queue_wait),
                    cache_max_age=int(settings.sparql_cache_max_age),
                    nice=int(settings.sparql_worker_nice))
    path = getattr(svc.store, "path", None)
    # The Socle store, not its pyoxigraph handle: holding that would keep RocksDB's lock after
    # store.close() (another process could not open the directory).
    executor = Executor(path, limits, store=svc.store, prefixes=dict(PREFIXES),
                        allow_service=bool(settings.sparql_allow_service))
    app.extensions["socle_sparql"] = executor
    atexit.register(executor.close)
    app.register_blueprint(bp)
