"""The SPARQL 1.1 Protocol endpoint: read-only, time and row limits, query workers.

`init_app(app)` builds the query executor onto the app's services (service/services.py, which
also moves token digests out of the store: they must not be queryable); service/app.py
registers the blueprint. Workers start on the first query.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from service.rdf.namespaces import PREFIXES
    from service.services import services_of
    from service.sparql.endpoint import Executor, Limits

    svc = services_of(app)
    settings = svc.settings
    limits = Limits(timeout=float(settings.sparql_timeout),
                    max_rows=int(settings.sparql_max_rows),
                    max_concurrent=int(settings.sparql_max_concurrent),
                    queue_wait=float(settings.sparql_queue_wait),
                    cache_max_age=int(settings.sparql_cache_max_age),
                    nice=int(settings.sparql_worker_nice))
    path = svc.store.path
    # The Socle store, not its pyoxigraph handle: holding that would keep RocksDB's lock after
    # store.close() (another process could not open the directory).
    svc.sparql = Executor(path, limits, store=svc.store, prefixes=dict(PREFIXES),
                          allow_service=bool(settings.sparql_allow_service))
