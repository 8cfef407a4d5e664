"""Prometheus metrics at `GET /metrics` (prometheus_client, text exposition format).

- `socle_http_requests_total{method,route,status}` and
  `socle_http_request_duration_seconds{method,route}`: every request, by Flask route template
  (`/datasets/<record_id>`), never by raw path, so the label set stays bounded;
- `socle_store_seconds{operation}`: store calls (select, ask, construct, update, apply, graph);
- `socle_validation_seconds`: SHACL validation of one record;
- `socle_records_written_total{kind}`: records created or replaced (`written`) and deleted,
  whatever the path (API, form, import, harvest);
- `socle_records`: records in the catalogue;
- `socle_sparql_workers{state}` (`busy`, `size`) and `socle_sparql_workers_killed_total`;
- imports (`socle import`, `POST /publishers/{id}/import`, the import form, SCDL CSV):
  `socle_import_records_total{channel,publisher,outcome}` (channel `rdf` or `csv`; outcome
  `created`, `updated`, `unchanged`, `failed`: written = created + updated, refused = failed)
  and `socle_import_records_repaired_total{channel,publisher}` (records the repair step changed);
- harvests: `socle_harvest_records_total{source,outcome}` (created, updated, unchanged,
  withdrawn, missing, failed), `socle_harvest_records_repaired_total{source}`,
  `socle_harvest_runs_total{source,status}` and `socle_harvest_run_seconds{source}` (runs ended
  in this process), `socle_harvest_last_success_timestamp_seconds{source}` (read from the
  stored run reports at scrape time: also runs of other processes, and across restarts).

The metrics live in one registry per process (`REGISTRY`), shared by every app the process
builds (tests build many).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter("socle_http_requests", "HTTP requests answered.",
                   ("method", "route", "status"), registry=REGISTRY)
LATENCY = Histogram("socle_http_request_duration_seconds", "Time to answer a request.",
                    ("method", "route"), registry=REGISTRY,
                    buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))
STORE = Histogram("socle_store_seconds", "Time of store calls.", ("operation",),
                  registry=REGISTRY, buckets=(.001, .005, .01, .025, .05, .1, .25, .5, 1, 5))
VALIDATION = Histogram("socle_validation_seconds", "SHACL validation of one record.",
                       registry=REGISTRY, buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 5))
WRITES = Counter("socle_records_written", "Records written or deleted.", ("kind",),
                 registry=REGISTRY)
IMPORTED = Counter("socle_import_records", "Records of imports, by outcome.",
                   ("channel", "publisher", "outcome"), registry=REGISTRY)
IMPORT_REPAIRED = Counter("socle_import_records_repaired",
                          "Imported records changed by the repair step.",
                          ("channel", "publisher"), registry=REGISTRY)
HARVESTED = Counter("socle_harvest_records", "Datasets of harvest runs, by outcome.",
                    ("source", "outcome"), registry=REGISTRY)
HARVEST_REPAIRED = Counter("socle_harvest_records_repaired",
                           "Harvested records changed by the repair step.", ("source",),
                           registry=REGISTRY)
HARVEST_RUNS = Counter("socle_harvest_runs", "Harvest runs ended, by status.",
                       ("source", "status"), registry=REGISTRY)
HARVEST_SECONDS = Histogram("socle_harvest_run_seconds", "Duration of harvest runs.",
                            ("source",), registry=REGISTRY,
                            buckets=(1, 5, 15, 60, 300, 900, 1800, 3600, 4 * 3600))
STORE_OPERATIONS = ("select", "ask", "construct", "update", "apply", "graph")


def _timed(histogram: Any, func: Callable) -> Callable:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            histogram.observe(time.perf_counter() - started)

    wrapper.__socle_timed__ = True  # type: ignore[attr-defined]
    return wrapper


def instrument_store(store: Any) -> None:
    """Time the store's calls (instance attributes: the class stays untouched)."""
    for name in STORE_OPERATIONS:
        method = getattr(store, name, None)
        if method is not None and not getattr(method, "__socle_timed__", False):
            setattr(store, name, _timed(STORE.labels(name), method))


def instrument_validator(validator: Any) -> None:
    method = getattr(validator, "validate", None)
    if method is not None and not getattr(method, "__socle_timed__", False):
        validator.validate = _timed(VALIDATION, method)


class WriteCounter:
    """A records-service observer counting writes."""

    def record_written(self, *args: Any, **kwargs: Any) -> None:
        WRITES.labels("written").inc()

    def record_deleted(self, *args: Any, **kwargs: Any) -> None:
        WRITES.labels("deleted").inc()


def count_import(channel: str, publisher: str, report: Any) -> None:
    for item in report.items:
        IMPORTED.labels(channel, publisher, item.outcome).inc()
        if getattr(item, "repairs", None):
            IMPORT_REPAIRED.labels(channel, publisher).inc()


def count_harvest_item(source: str, item: Any) -> None:
    HARVESTED.labels(source, item.outcome).inc()
    if item.repairs:
        HARVEST_REPAIRED.labels(source).inc()


def count_harvest_run(report: Any) -> None:
    from datetime import datetime

    HARVEST_RUNS.labels(report.source, report.status).inc()
    try:
        took = (datetime.fromisoformat(report.ended)
                - datetime.fromisoformat(report.started)).total_seconds()
    except (TypeError, ValueError):
        return
    HARVEST_SECONDS.labels(report.source).observe(max(took, 0.0))


def listen_to_ingest() -> None:
    """Count imports and harvests (once per process, whatever the number of apps)."""
    from service.ingest import observers

    if count_import not in observers.IMPORTED:
        observers.IMPORTED.append(count_import)
    if count_harvest_item not in observers.HARVEST_ITEM:
        observers.HARVEST_ITEM.append(count_harvest_item)
    if count_harvest_run not in observers.HARVEST_RUN:
        observers.HARVEST_RUN.append(count_harvest_run)


def last_harvest_successes(store: Any) -> dict[str, float]:
    """Per source id, the end (Unix time) of its newest run that walked the whole source."""
    from datetime import datetime

    from service.ingest.harvest.sources import SOURCE_PREFIX
    from service.rdf.namespaces import HARVEST_GRAPH, PROV, SOCLE

    rows = store.select(f"""PREFIX socle: <{SOCLE}> PREFIX prov: <{PROV}>
      SELECT ?src (MAX(?end) AS ?last) WHERE {{ GRAPH <{HARVEST_GRAPH}> {{
        ?r a socle:HarvestRun ; socle:source ?src ; socle:status "done" ;
           prov:endedAtTime ?end }} }} GROUP BY ?src""")
    out = {}
    for row in rows:
        source = str(row["src"])
        if source.startswith(SOURCE_PREFIX) and row.get("last") is not None:
            try:
                out[source[len(SOURCE_PREFIX):]] = datetime.fromisoformat(
                    str(row["last"])).timestamp()
            except ValueError:
                continue
    return out


class LiveCollector:
    """Figures read at scrape time from the app's services."""

    def __init__(self) -> None:
        self.services: Any = None

    def collect(self) -> Iterator[Any]:
        svc = self.services
        if svc is None:
            return
        from service.catalog import bookkeeping

        records = GaugeMetricFamily("socle_records", "Records in the catalogue.")
        try:
            records.add_metric([], bookkeeping.count_records(svc.store))
        except Exception:  # noqa: BLE001 - a scrape must not fail with the store
            return
        yield records
        pool = getattr(getattr(svc, "sparql", None), "_pool", None)
        workers = GaugeMetricFamily("socle_sparql_workers", "SPARQL query workers.",
                                    labels=["state"])
        killed = CounterMetricFamily("socle_sparql_workers_killed",
                                     "SPARQL workers killed (timeouts, crashes).")
        size = getattr(pool, "size", 0)
        free = getattr(getattr(pool, "slots", None), "_value", size)
        workers.add_metric(["size"], size)
        workers.add_metric(["busy"], max(size - free, 0))
        killed.add_metric([], getattr(pool, "kills", 0))
        yield workers
        yield killed
        last = GaugeMetricFamily("socle_harvest_last_success_timestamp_seconds",
                                 "End of the newest complete harvest run, per source.",
                                 labels=["source"])
        try:
            for source, stamp in sorted(last_harvest_successes(svc.store).items()):
                last.add_metric([source], stamp)
        except Exception:  # noqa: BLE001 - a scrape must not fail with the store
            return
        yield last


_LIVE = LiveCollector()
REGISTRY.register(_LIVE)


def init_app(app: Any) -> None:
    from flask import Response, g, request

    svc = app.extensions["socle"]
    _LIVE.services = svc  # the latest app of the process (one in production)
    instrument_store(svc.store)
    instrument_validator(svc.validator)
    if not any(isinstance(o, WriteCounter) for o in svc.records.observers):
        svc.records.observers.append(WriteCounter())
    listen_to_ingest()

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Any) -> Any:
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        started = g.get("metrics_started")
        if started is not None:
            LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                        headers={"Content-Type": CONTENT_TYPE_LATEST,
                                 "Cache-Control": "no-store"})


def init_health(app: Any) -> None:
    """Liveness (the process answers: no store call) and readiness (the store answers a
    query); `GET /health` stays as it was (liveness plus the record count)."""
    from flask import jsonify

    @app.get("/health/live")
    def health_live() -> Any:
        return jsonify({"status": "alive"})

    @app.get("/health/ready")
    def health_ready() -> Any:
        svc = app.extensions["socle"]
        try:
            svc.store.ask("ASK { }")
        except Exception as exc:  # noqa: BLE001 - any store failure means "not ready"
            return jsonify({"status": "unavailable", "store": type(exc).__name__}), 503
        return jsonify({"status": "ready"})
