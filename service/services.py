"""The composition root: what one process uses, built once and handed out.

`build_services(settings)` wires the store, the validator, the records service and the read
models (feed order index, search index) without Flask, so the command line, the benchmarks and
the tests build exactly what the app serves. It also owns what a process keeps beside the
store: the private area (drafts, quarantine), the JSON files of tokens, curators and sessions,
and the anonymous rate limits; none of them lives in a module-level registry. `create_app`
keeps the result in `app.extensions["socle"]` (the only extension key) and the views reach it
with `services()`; no view imports `service.app`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from service.auth.jsonfile import DataFiles
from service.catalog.private import PrivateArea
from service.catalog.records import RecordService
from service.config import Settings
from service.derived.store import DerivedStore
from service.feed.index import FeedIndex
from service.feed.parts import SubCatalogs
from service.ratelimit import RateLimits
from service.store import Store, open_for

if TYPE_CHECKING:
    from service.search import SearchIndex
    from service.sparql.endpoint import Executor
    from service.validation import Validator

EXTENSION = "socle"


@dataclass
class Services:
    """What the views and commands use; one per process."""

    settings: Settings
    store: Store
    validator: Validator
    records: RecordService
    feed_index: FeedIndex
    private: PrivateArea  # drafts and quarantined records, beside the store
    files: DataFiles  # token digests, curator accounts, sessions (service/auth)
    rate_limits: RateLimits = field(default_factory=RateLimits)  # anonymous validation
    sub_catalogs: SubCatalogs = field(default_factory=SubCatalogs)  # /catalog's hasPart list
    derived: DerivedStore | None = None  # the indexes kept on disk (service/derived)
    search: SearchIndex | None = None
    sparql: Executor | None = None  # set by service.sparql.init_app (the endpoint needs Flask)
    _owns_store: bool = field(default=True, repr=False)

    def warm(self) -> None:
        """Build the in-memory read models now rather than on the first request (`socle serve`
        runs this in a background thread)."""
        if self.sparql is not None:  # worker processes first: they start in parallel
            self.sparql.warm()
        self.feed_index.warm()
        if self.search is not None:  # the derived store's check (the feed index's)
            self.search.warm()

    def close(self) -> None:
        """Stop the query workers and close the store (when this process opened it)."""
        if self.sparql is not None:
            self.sparql.close()
        if self.search is not None:
            self.search.close()
        if self.derived is not None:
            self.derived.close()
        self.private.close()
        if self._owns_store:
            self.store.close()


@lru_cache(maxsize=4)
def load_validator(shapes_dir: str, vocab_dir: str) -> Validator:
    """Shapes are compiled once per process: validators are immutable and thread-safe."""
    from service.validation import Validator

    return Validator(shapes_dir=shapes_dir, vocab_dir=vocab_dir)


class LazyValidator:
    """The validator, compiled on its first use: compiling the shapes (and importing the SHACL
    engine's modules) is a large share of an app's start, and serving a feed page or a search
    never validates. Same interface: `validate`, then any attribute of the compiled one."""

    def __init__(self, shapes_dir: str, vocab_dir: str) -> None:
        self._dirs = (shapes_dir, vocab_dir)
        self._lock = threading.Lock()
        self._real: Validator | None = None

    def compiled(self) -> Validator:
        if self._real is None:
            with self._lock:
                if self._real is None:
                    self._real = load_validator(*self._dirs)
        return self._real

    def validate(self, graph: Any) -> Any:
        return self.compiled().validate(graph)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # never for the fields above (copy, pickle probes)
            raise AttributeError(name)
        return getattr(self.compiled(), name)


def build_services(settings: Settings, *, search: bool = False) -> Services:
    """Open the store the settings name (or use `settings.store`), move legacy token digests
    out of it, and wire the records service to its observers. search: also the search index of
    the web pages (the app; commands do without it)."""
    from service.auth.tokens import migrate
    from service.ops.identity import bind
    from service.search import SearchIndex

    store = settings.store or open_for(settings)
    settings = bind(settings, store)  # the base URL stored with the data (service/ops/identity)
    validator = cast("Validator", LazyValidator(settings.shapes_dir, settings.vocab_dir))
    private = PrivateArea.beside(store)
    records = RecordService(store, validator, settings.base_url, private)
    from service.derived.observer import DerivedWriter
    from service.derived.registry import open_derived

    derived = open_derived(store)
    records.observers.append(DerivedWriter(derived, store))  # first: the feed reads it
    feed_index = FeedIndex(store, derived)
    from service.quality.keeper import QualityKeeper

    records.observers.append(QualityKeeper(store))  # MQA score of every write (docs/quality.md)
    files = DataFiles(store)
    svc = Services(settings, store, validator, records, feed_index, private, files,
                   derived=derived, _owns_store=settings.store is None)
    migrate(files)  # token digests must not stay where SPARQL can read them
    if search:
        # Its tables are in the derived store, which the write path keeps current.
        index = SearchIndex(derived, feed_index.warm)
        index.before_read = feed_index.follow  # other processes' writes (external store)
        svc.search = index
    return svc


def services() -> Services:
    """The services of the current Flask app (views only)."""
    from flask import current_app

    svc: Services = current_app.extensions[EXTENSION]
    return svc


def services_of(app: Any) -> Services:
    """The services of an app outside a request (init_app functions, tests)."""
    svc: Services = app.extensions[EXTENSION]
    return svc
