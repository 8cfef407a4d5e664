"""The test-suite's store switch: SOCLE_TEST_STORE=embedded|oxigraph-server|virtuoso.

On a remote backend every store a test opens on a data directory (through `open_store`,
`open_for`, the app factory, the CLI in-process) becomes a SparqlStore on ONE shared server,
and subprocesses (`socle serve`, CLI) reach the same server through SOCLE_STORE. Tests need
no change: the `settings`/`app` fixtures and their own `Settings(data=...)` just work.

Isolation on one server: each test starts on an empty store (the previous content is dropped).
A store object that is used again later (a module-scoped app over the demo catalogue) gets its
content back: the shared server has one "owner" at a time; switching owners saves the old
owner's graphs and restores the new owner's (rare, and a few requests).
"""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import threading
import urllib.parse
import urllib.request
from pathlib import Path

from service.store.sparql import Remote, SparqlStore

REPO = Path(__file__).resolve().parents[1]
BACKEND = os.environ.get("SOCLE_TEST_STORE", "embedded")

# Where scripts/store-*.sh start each server (127.0.0.1; ports from OXIGRAPH_PORT /
# VIRTUOSO_PORT, which the scripts read too, so that two checkouts can test side by side).
_OX = os.environ.get("OXIGRAPH_PORT", "7879")
_VI = os.environ.get("VIRTUOSO_PORT", "8899")
SERVERS = {
    "oxigraph-server": {
        "script": "scripts/store-oxigraph.sh",
        "env": {"SOCLE_STORE": f"http://127.0.0.1:{_OX}/query",
                "SOCLE_STORE_UPDATE": f"http://127.0.0.1:{_OX}/update",
                "SOCLE_STORE_GSP": f"http://127.0.0.1:{_OX}/store"},
    },
    "virtuoso": {
        "script": "scripts/store-virtuoso.sh",
        "env": {"SOCLE_STORE": f"http://127.0.0.1:{_VI}/sparql",
                "SOCLE_STORE_UPDATE": f"http://127.0.0.1:{_VI}/sparql-auth",
                "SOCLE_STORE_USER": "dba", "SOCLE_STORE_PASSWORD": "dba",
                "SOCLE_STORE_AUTH": "digest"},
    },
}


def remote() -> bool:
    return BACKEND != "embedded"


def subprocess_env() -> dict[str, str]:
    """SOCLE_STORE* for a subprocess (CLI, `socle serve`) that must use the test backend: tests
    that clean SOCLE_* from a child's environment add this back ({} on embedded)."""
    return dict(SERVERS[BACKEND]["env"]) if remote() else {}


def store_addresses() -> set[tuple[str, int]]:
    """(host, port) of the test store server: the one place tests that forbid network access
    must still let the service reach (empty on embedded)."""
    if not remote():
        return set()
    out = set()
    for url in SERVERS[BACKEND]["env"].values():
        if url.startswith("http"):
            parts = urllib.parse.urlsplit(url)
            out.add((parts.hostname or "", parts.port or 80))
    return out


def remote_config() -> Remote:
    env = SERVERS[BACKEND]["env"]
    return Remote(env["SOCLE_STORE"], update_url=env.get("SOCLE_STORE_UPDATE"),
                  gsp_url=env.get("SOCLE_STORE_GSP"), user=env.get("SOCLE_STORE_USER"),
                  password=env.get("SOCLE_STORE_PASSWORD"),
                  auth=env.get("SOCLE_STORE_AUTH", "basic"), retries=2)


def ensure_server() -> None:
    """Start the backend's server with its script unless it already answers."""
    if BACKEND not in SERVERS:
        raise SystemExit(f"SOCLE_TEST_STORE={BACKEND!r}: use embedded, oxigraph-server or "
                         "virtuoso")
    url = SERVERS[BACKEND]["env"]["SOCLE_STORE"] + "?query=ASK%7B%7D"
    try:
        urllib.request.urlopen(url, timeout=5).read()
        return
    except OSError:
        pass
    subprocess.run(["bash", SERVERS[BACKEND]["script"], "start"], cwd=REPO, check=True)


class _Registry:
    """Who owns the shared server. One lock: a thread that finds another owner waits until the
    switch (save, wipe, restore) is complete before its request runs (threaded tests)."""

    def __init__(self) -> None:
        self.owner: TestStore | None = None
        self.lock = threading.RLock()
        self.stores: dict[str, TestStore] = {}
        self.admin: SparqlStore | None = None

    def store_for(self, data_dir: str) -> TestStore:
        key = os.path.realpath(data_dir)
        store = self.stores.get(key)
        if store is None:
            os.makedirs(data_dir, exist_ok=True)
            store = TestStore(remote_config(), tokens_dir=data_dir)
            self.stores[key] = store
        return store

    def _save_and_wipe(self) -> None:
        # The suite's own bookkeeping, not under test: a long timeout, since the server may
        # still be busy with what the previous test left (a killed import's last batch).
        admin = self.admin or SparqlStore(dataclasses.replace(remote_config(), timeout=120))
        self.admin = admin
        if self.owner is not None:
            out = io.BytesIO()
            admin.dump(out)
            self.owner.saved = out.getvalue()
        admin.wipe()

    def park(self) -> None:
        """Start of a test: an empty store, the previous owner's graphs kept aside."""
        with self.lock:
            self._save_and_wipe()
            self.owner = None

    def claim(self, store: TestStore) -> None:
        if self.owner is store:
            return
        with self.lock:
            if self.owner is store:
                return
            if self.owner is None and not store.saved:
                # The test's first store: what is on the server was written during this test
                # (by a CLI or `socle serve` subprocess through SOCLE_STORE): keep it.
                self.owner = store
                return
            self._save_and_wipe()
            if store.saved:
                self.admin.restore(io.BytesIO(store.saved))  # type: ignore[union-attr]
            self.owner = store


REGISTRY = _Registry()


class TestStore(SparqlStore):
    """A SparqlStore that claims the shared server before each request."""

    __test__ = False
    saved: bytes = b""

    def _json(self, query: str) -> dict:
        REGISTRY.claim(self)
        return super()._json(query)

    def _triples_of(self, sparql: str):
        REGISTRY.claim(self)
        return super()._triples_of(sparql)

    def update(self, sparql: str) -> None:
        REGISTRY.claim(self)
        super().update(sparql)

    def _gsp_get(self, name: str):
        REGISTRY.claim(self)
        return super()._gsp_get(name)

    def forward(self, query: str, **kw):
        REGISTRY.claim(self)
        return super().forward(query, **kw)


def install() -> None:
    """Route every store opening to the shared server (called once, before collection)."""
    import service.services
    import service.store

    ensure_server()
    REGISTRY.park()  # what an earlier session left on the server is not this session's
    os.environ.update(SERVERS[BACKEND]["env"])
    original_open = service.store.open_store
    original_for = service.store.open_for

    def open_store(data_dir, *, read_only: bool = False):
        if data_dir is None:  # a memory store stays one
            return original_open(data_dir, read_only=read_only)
        return REGISTRY.store_for(str(data_dir))

    def open_for(settings, *, read_only: bool = False):
        if getattr(settings, "store_url", ""):
            return original_for(settings, read_only=read_only)
        return open_store(settings.data, read_only=read_only)

    service.store.open_store = open_store
    service.store.open_for = open_for
    service.services.open_for = open_for


# -- what a backend does to data, for the tests that compare stored data with its source ------
# Virtuoso stores typed literals as native SQL values: numbers come back under another numeric
# datatype ("1"^^xsd:decimal → "1"^^xsd:integer), xsd:dateTime with six fractional digits, and
# it refuses xsd:duration literals in INSERT DATA (SR553). docs/scaling.md lists these.
# named-graph-uri restricts GRAPH ?g, and GRAPH <iri> too (Oxigraph); Virtuoso still matches an
# explicit GRAPH <iri> outside the named graphs given.
NAMED_GRAPHS_BIND_GRAPH_IRI = BACKEND != "virtuoso"
# DESCRIBE answers the concise bounded description (Oxigraph); Virtuoso returns its own choice.
DESCRIBE_IS_CBD = BACKEND != "virtuoso"
# Virtuoso cannot compile a transitive path with neither end bound (TR...), nor a query whose
# SQL translation is too long (SP031, a 280 kB VALUES): it refuses them at once (the endpoint
# answers 422 sparql-store-refused) instead of running them.
REFUSES_HOSTILE_QUERIES = BACKEND == "virtuoso"
# Virtuoso also rewrites geo:wktLiteral into its own virtrdf#Geometry with normalised text.
UNSUPPORTED_DATATYPES = {"virtuoso": ("http://www.w3.org/2001/XMLSchema#duration",
                                      "http://www.opengis.net/ont/geosparql#wktLiteral")}.get(
    BACKEND, ())
_NUMERIC = ("integer", "decimal", "double", "float", "long", "int", "short", "byte",
            "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
            "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")


def comparable(graph):
    """The graph with typed literals by value where the backend does not keep lexical forms
    (Virtuoso); the graph itself elsewhere."""
    if BACKEND != "virtuoso":
        return graph
    from decimal import Decimal, InvalidOperation

    from rdflib import Graph, Literal
    from rdflib.namespace import XSD

    def value(o):
        if not isinstance(o, Literal) or o.datatype is None:
            return o
        kind = str(o.datatype).rsplit("#", 1)[-1]
        if str(o.datatype).startswith(str(XSD)) and kind in _NUMERIC:
            try:
                number = Decimal(str(o)).normalize()
            except InvalidOperation:
                return o
            return Literal(format(number, "f"), datatype=XSD.decimal)
        if o.datatype == XSD.dateTime and "." in str(o):
            head, _, frac = str(o).partition(".")
            digits = "".join(c for c in frac if c.isdigit())
            rest = frac[len(digits):]
            digits = digits.rstrip("0")
            return Literal(f"{head}.{digits}{rest}" if digits else head + rest,
                           datatype=XSD.dateTime)
        return o

    out = Graph()
    for s, p, o in graph:
        out.add((s, p, value(o)))
    return out


def uses_unsupported_datatype(graph) -> bool:
    """Literals the backend refuses (xsd:duration) or rewrites: Virtuoso coerces an ill-typed
    literal ("" as xsd:date) into a value of the type ("0001-01-01")."""
    if not UNSUPPORTED_DATATYPES:
        return False
    return any(getattr(o, "datatype", None) is not None and (
        str(o.datatype) in UNSUPPORTED_DATATYPES or getattr(o, "ill_typed", False))
        for o in graph.objects())
