"""Remote backend: the Store interface over any SPARQL 1.1 server (Oxigraph server, Virtuoso,
Fuseki, GraphDB, Neptune...).

Why it looks like this:
- Queries and updates go through SPARQLWrapper as URL-encoded POST (Virtuoso hangs on
  `application/sparql-query` bodies; every server accepts the form), JSON results, an explicit
  socket timeout on every request.
- A record write is one update request (base.compile_changes: DROP + INSERT DATA with an
  explicit `GRAPH <…>` each), so the server applies it as one transaction: a cut connection
  leaves the old record or the new one. Updates are idempotent (they replace whole graphs or
  subjects), which is what makes retrying them after a connection error safe.
- Connection errors are retried with exponential backoff; when the server stays down the
  caller gets StoreUnavailable (HTTP 503 problem+json), and the next request simply tries again:
  nothing to reconnect, so the service recovers by itself when the store comes back.
- The server's default graph must be the union of its named graphs (Virtuoso: always;
  Oxigraph server: `--union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`).
- Servers keep graphs of their own (Virtuoso's `virtrdf#`...): `foreign_prefixes` lists them so
  that dump, restore and wipe never see or touch them.
- Each write also replaces a generation marker in the system graph `urn:socle:graph:generation`
  (same request): other app processes compare it per request to know when to refresh their
  in-memory feed index.
"""

from __future__ import annotations

import base64
import logging
import shutil
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.client import HTTPException
from typing import Any, BinaryIO, TypeVar, cast

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed

from service.errors import StoreBusy
from service.rdf.parse import to_rdflib
from service.retry import exponential, retry
from service.store.base import (
    Change,
    DropGraph,
    PutGraph,
    PutSubject,
    Store,
    compile_changes,
    nt,
)
from service.store.sparql_errors import (
    QueryDeadline,
    QueryRefused,
    StoreQueryError,
    StoreResultCut,
    StoreUnavailable,
    cut,
    unavailable,
)
from service.store.sparql_terms import to_ox_term, to_rdflib_term

log = logging.getLogger(__name__)
T = TypeVar("T")

WIPE_BATCH = 100  # DROP statements per update request (wipe)
DUMP_ATTEMPTS = 3  # reads of a dump before a store that keeps changing is reported busy
DUMP_SPOOL = 64 << 20  # bytes of a dump kept in memory before it spills to a temporary file
# Virtuoso answers only the first ResultSetMaxRows rows of a SELECT, and then sends this
# header (also when the answer has exactly that many rows: it cannot tell).
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"

GENERATION_GRAPH = "urn:socle:graph:generation"
GENERATION_NODE = "urn:socle:generation"
GENERATION_VALUE = "urn:socle:value"
TOMBSTONE_GRAPH = "urn:socle:droppedGraph"
TOMBSTONE_AT = "urn:socle:droppedAt"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
# Graphs a fresh server already holds and that are not Socle's (Virtuoso's system graphs).
VIRTUOSO_GRAPHS = ("http://www.openlinksw.com/", "http://localhost:8890/", "http://localuriqaserver/",
                   "http://www.w3.org/ns/ldp#", "http://www.w3.org/2002/07/owl",
                   "http://www.w3.org/ns/oa#", "http://purl.org/dc/", "http://www.w3.org/2000/01/rdf-schema")
INSERT_BATCH = 2000


@dataclass(frozen=True)
class Remote:
    """Where the store is and how to log in (DESIGN §6: --store, --store-update, ...)."""

    query_url: str
    update_url: str | None = None
    gsp_url: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"  # or "digest" (Virtuoso's /sparql-auth)
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 0.2
    # Records per update request in a bulk write. Virtuoso refuses a 256-record update
    # ("SQ156 Query too large"); each record stays whole in its request (see apply).
    records_per_update: int = 32


def _record_groups(changes: Sequence[Change], per_request: int) -> list[list[Change]]:
    """Cut a change list into requests of at most `per_request` records. A record starts at
    a graph change (PutGraph/DropGraph); the subject changes after it (its bookkeeping) stay
    with it. A list with no graph change, or a short one, is one request."""
    groups: list[list[Change]] = []
    for change in changes:
        if not groups or isinstance(change, PutGraph | DropGraph):
            groups.append([])
        groups[-1].append(change)
    return [[c for g in groups[i:i + per_request] for c in g]
            for i in range(0, len(groups), max(1, per_request))] or [[]]


def _transient(exc: BaseException) -> bool:
    """Connection-level failures worth retrying (request not or partly sent, server gone)."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in (502, 503, 504)
    if isinstance(exc, urllib.error.URLError):
        return isinstance(exc.reason, (ConnectionError, OSError)) and not isinstance(
            exc.reason, socket.timeout)
    return isinstance(exc, (ConnectionError, HTTPException))


class SparqlStore(Store):
    """Named graphs on a SPARQL 1.1 server; see the module docstring."""

    remote = True

    def __init__(self, remote: Remote, *, tokens_dir: str | None = None,
                 foreign_prefixes: Sequence[str] = VIRTUOSO_GRAPHS) -> None:
        self.config = remote
        self.query_url = remote.query_url
        self.update_url = remote.update_url or remote.query_url
        self.gsp_url = remote.gsp_url
        # Token digests stay in a file of the (shared) data directory: never in the store,
        # where the public endpoint's union default graph would expose them.
        self.tokens_dir = tokens_dir
        self.foreign_prefixes = tuple(foreign_prefixes)

    @property
    def files_dir(self) -> str | None:
        return self.tokens_dir

    # -- transport -----------------------------------------------------------------------------
    def _wrapper(self, url: str, text: str, *, timeout: float | None = None) -> SPARQLWrapper:
        sw = SPARQLWrapper(url, agent="socle")
        sw.setMethod(POST)
        sw.setRequestMethod(URLENCODED)
        sw.setTimeout(max(1, round(timeout or self.config.timeout)))
        if self.config.user:
            if self.config.auth == "digest":
                sw.setHTTPAuth(DIGEST)
            sw.setCredentials(self.config.user, self.config.password or "")
        sw.setQuery(text)
        return sw

    def _retrying(self, url: str, call: Callable[[], T]) -> T:
        """`call`, retried after connection-level failures (service/retry.py); a timeout is
        not retried (the server may still be working on it); 503 once retries run out."""
        def once(_attempt: int) -> T:
            try:
                return call()
            except TimeoutError as exc:
                raise unavailable(url, f"timeout ({exc})") from None
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (socket.timeout, TimeoutError)):
                    raise unavailable(url, "timeout") from None
                raise

        def warn(exc: Exception, pause: float) -> None:
            log.warning("store %s: %s; retry in %.1f s", url, exc, pause)

        try:
            return retry(once, exponential(self.config.backoff, self.config.retries),
                         retryable=_transient, on_retry=warn)
        except Exception as exc:  # noqa: BLE001 - only the transient ones are rewrapped
            if _transient(exc):
                raise unavailable(url, exc) from None
            raise

    def _json(self, query: str) -> dict[str, Any]:
        def call() -> dict[str, Any]:
            sw = self._wrapper(self.query_url, query)
            sw.setReturnFormat(JSON)
            try:
                result = sw.query()
            except (QueryBadFormed, EndPointInternalError) as exc:
                raise StoreQueryError(f"{exc}\n{query}") from None
            limit = result.response.info().get(MAX_ROWS_HEADER)
            if limit is not None:
                result.response.close()
                raise cut(self.query_url, limit)
            return cast("dict[str, Any]", result.convert())
        return self._retrying(self.query_url, call)

    # -- Store interface -----------------------------------------------------------------------
    def select(self, sparql: str) -> list[dict[str, Node]]:
        rows = []
        for binding in self._json(sparql)["results"]["bindings"]:
            rows.append({name: to_rdflib_term(value) for name, value in binding.items()})
        return rows

    def ask(self, sparql: str) -> bool:
        return bool(self._json(sparql)["boolean"])

    def construct(self, sparql: str) -> Graph:
        return to_rdflib(self._triples_of(sparql))

    def _triples_of(self, sparql: str) -> list[ox.Triple]:
        def call() -> bytes:
            sw = self._wrapper(self.query_url, sparql)
            sw.setReturnFormat(TURTLE)
            try:
                response = sw.query().response
                return response.read()
            except (QueryBadFormed, EndPointInternalError) as exc:
                raise StoreQueryError(f"{exc}\n{sparql}") from None
        body = self._retrying(self.query_url, call)
        return list(ox.parse(body, format=ox.RdfFormat.TURTLE))

    def update(self, sparql: str) -> None:
        def call() -> None:
            sw = self._wrapper(self.update_url, sparql)
            try:
                sw.query().response.read()
            except (QueryBadFormed, EndPointInternalError) as exc:
                raise StoreQueryError(f"{exc}\n{sparql[:2000]}") from None
        self._retrying(self.update_url, call)

    def apply(self, changes: Sequence[Change]) -> None:
        """The changes, a new generation marker and a tombstone per dropped graph (see module
        doc), so that other processes can follow deletions too.

        One update request, so one transaction, up to `records_per_update` records; a larger
        bulk batch goes as several requests, each with whole records (a record's graph and
        its bookkeeping always travel together), which is the atomicity a record needs."""
        for part in _record_groups(changes, self.config.records_per_update):
            self._apply_one(part)

    def _apply_one(self, changes: Sequence[Change]) -> None:
        stamp = datetime.now(UTC).isoformat()
        extra: list[Change] = [PutSubject(GENERATION_GRAPH, GENERATION_NODE, [(
            URIRef(GENERATION_NODE), URIRef(GENERATION_VALUE),
            Literal(f"{stamp} {uuid.uuid4().hex}"))])]
        for change in changes:
            if isinstance(change, DropGraph):
                tomb = URIRef(f"urn:socle:tombstone:{uuid.uuid4().hex}")
                extra.append(PutSubject(GENERATION_GRAPH, str(tomb), [
                    (tomb, URIRef(TOMBSTONE_GRAPH), URIRef(change.name)),
                    (tomb, URIRef(TOMBSTONE_AT), Literal(stamp, datatype=XSD_DATETIME))]))
        self.update(compile_changes([*changes, *extra]))
        self._applies = getattr(self, "_applies", 0) + 1
        if self._applies % 1000 == 0:  # tombstones are only needed for a few minutes
            self.prune_tombstones((datetime.now(UTC) - timedelta(days=1)).isoformat())

    def generation(self) -> str | None:
        """The marker the last write left (None on a store nothing wrote to)."""
        rows = self._json(f"SELECT ?v WHERE {{ GRAPH <{GENERATION_GRAPH}> {{ "
                          f"<{GENERATION_NODE}> <{GENERATION_VALUE}> ?v }} }}")
        bindings = rows["results"]["bindings"]
        return bindings[0]["v"]["value"] if bindings else None

    def dropped_since(self, since: str) -> list[str]:
        """Graphs dropped at or after `since` (an xsd:dateTime), from the tombstones."""
        rows = self._json(f"SELECT ?g WHERE {{ GRAPH <{GENERATION_GRAPH}> {{ ?t "
                          f"<{TOMBSTONE_GRAPH}> ?g ; <{TOMBSTONE_AT}> ?at }} "
                          f'FILTER(?at >= "{since}"^^<{XSD_DATETIME}>) }}')
        return [b["g"]["value"] for b in rows["results"]["bindings"]]

    def prune_tombstones(self, before: str) -> None:
        self.update(f"DELETE {{ GRAPH <{GENERATION_GRAPH}> {{ ?t ?p ?o }} }} WHERE {{ GRAPH "
                    f"<{GENERATION_GRAPH}> {{ ?t <{TOMBSTONE_AT}> ?at ; ?p ?o }} "
                    f'FILTER(?at < "{before}"^^<{XSD_DATETIME}>) }}')

    def graph(self, name: str) -> Graph:
        """By the Graph Store Protocol when the server has it, else by a SELECT: Virtuoso cuts
        a CONSTRUCT's answer at ResultSetMaxRows without a sign, a SELECT's with one."""
        if self.gsp_url:
            return to_rdflib(self._gsp_get(name))
        return to_rdflib(next(self.graphs([name]))[1])

    def _gsp_get(self, name: str) -> list[ox.Triple]:
        url = f"{self.gsp_url}?{urllib.parse.urlencode({'graph': name})}"

        def call() -> bytes:
            request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
            if self.config.user:
                token = base64.b64encode(
                    f"{self.config.user}:{self.config.password or ''}".encode()).decode()
                request.add_header("Authorization", f"Basic {token}")
            try:
                with urllib.request.urlopen(request, timeout=self.config.timeout) as response:
                    body: bytes = response.read()
                    return body
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    return b""
                raise
        return list(ox.parse(self._retrying(self.gsp_url or "", call),
                             format=ox.RdfFormat.N_TRIPLES))

    def triples(self, names: Sequence[str]) -> Iterator[ox.Triple]:
        """One query per 200 graphs (a feed page is one request), graph after graph."""
        for _, triples in self.graphs(names):
            yield from triples

    def graphs(self, names: Sequence[str]) -> Iterator[tuple[str, list[ox.Triple]]]:
        for start in range(0, len(names), 200):
            chunk = names[start:start + 200]
            values = " ".join(f"<{n}>" for n in chunk)
            by_graph: dict[str, list[ox.Triple]] = {}
            for b in self._json(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} "
                                f"GRAPH ?g {{ ?s ?p ?o }} }}")["results"]["bindings"]:
                by_graph.setdefault(b["g"]["value"], []).append(ox.Triple(
                    cast(Any, to_ox_term(b["s"])), cast(Any, to_ox_term(b["p"])),
                    to_ox_term(b["o"])))
            for name in chunk:
                yield name, by_graph.get(name, [])

    def _not_foreign(self, var: str = "?g") -> str:
        tests = " && ".join(f'!STRSTARTS(STR({var}), "{p}")' for p in self.foreign_prefixes)
        return f"FILTER({tests})" if tests else ""

    def socle_graphs(self) -> list[str]:
        """Every named graph except the server's own. The FILTER costs Oxigraph a test per quad
        (docs/benchmarks.md, remote dump), but without it Virtuoso timed out on this query
        after a killed import (SR171: tests/cli/test_validate_all.py after test_kill.py)."""
        rows = self._json("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                          f"{self._not_foreign()} }}")
        names = [b["g"]["value"] for b in rows["results"]["bindings"]]
        return [n for n in names if not n.startswith(self.foreign_prefixes)]

    def dump(self, out: BinaryIO) -> None:
        """Every quad of Socle's graphs but the generation marker, a chunk of graphs per query
        (`graphs`) so that no answer grows with the catalogue. One snapshot all the same: the
        generation marker, which every write replaces, is read before and after, and the dump
        starts again when a write came between (DUMP_ATTEMPTS times, then StoreBusy)."""
        for _ in range(DUMP_ATTEMPTS):
            with tempfile.SpooledTemporaryFile(max_size=DUMP_SPOOL) as spool:
                before = self.generation()
                names = [n for n in self.socle_graphs() if n != GENERATION_GRAPH]
                for name, triples in self.graphs(names):
                    graph = ox.NamedNode(name)
                    ox.serialize((ox.Quad(t.subject, t.predicate, t.object, graph)
                                  for t in triples), spool, format=ox.RdfFormat.N_QUADS)
                if self.generation() == before:
                    spool.seek(0)
                    shutil.copyfileobj(spool, out)
                    return
        raise StoreBusy(
            f"Le triplestore ({self.query_url}) a changé pendant chacune des {DUMP_ATTEMPTS} "
            "lectures de la sauvegarde : réessayez quand les écritures auront cessé.",
            f"The triple store ({self.query_url}) changed during each of the {DUMP_ATTEMPTS} "
            "reads of the dump: retry once writes have stopped.")

    def wipe(self) -> None:
        """Drop every Socle graph, in requests of at most WIPE_BATCH graphs: Virtuoso refuses
        an update of a thousand DROPs as too large (SQ156), and a store holds two graphs per
        record (the record and its quality score)."""
        names = self.socle_graphs()
        for start in range(0, len(names), WIPE_BATCH):
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{n}>"
                                     for n in names[start:start + WIPE_BATCH]))

    def restore(self, source: BinaryIO) -> int:
        # Parse everything before touching the store: a bad file must not wipe it.
        quads = list(ox.parse(source, format=ox.RdfFormat.N_QUADS))
        self.wipe()
        by_graph: dict[str, list[str]] = {}
        for q in quads:
            by_graph.setdefault(q.graph_name.value, []).append(
                f"{q.subject} {q.predicate} {q.object} .")
        batch: list[str] = []
        size = 0
        for name, lines in by_graph.items():
            for start in range(0, len(lines), INSERT_BATCH):
                part = lines[start:start + INSERT_BATCH]
                batch.append(f"INSERT DATA {{ GRAPH <{name}> {{\n" + "\n".join(part) + "\n} }")
                size += len(part)
                if size >= INSERT_BATCH:
                    self.update(" ;\n".join(batch))
                    batch, size = [], 0
        if batch:
            self.update(" ;\n".join(batch))
        return len(quads)

    # -- the public SPARQL endpoint ------------------------------------------------------------
    def forward(self, query: str, *, accept: str, default_graph: list[str] | None,
                named_graphs: list[str] | None, timeout: float) -> tuple[str, bytes, bool]:
        """Run a (checked, read-only) query on the server: (content type, body, whether the
        server says it cut the answer). Raw HTTP rather than SPARQLWrapper: the endpoint
        needs the body as the server wrote it."""
        fields: list[tuple[str, str]] = [("query", query)]
        fields += [("default-graph-uri", g) for g in default_graph or []]
        fields += [("named-graph-uri", g) for g in named_graphs or []]
        data = urllib.parse.urlencode(fields).encode()

        def call() -> tuple[str, bytes, bool]:
            request = urllib.request.Request(self.query_url, data=data, headers={
                "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
            if self.config.user:
                token = base64.b64encode(
                    f"{self.config.user}:{self.config.password or ''}".encode()).decode()
                request.add_header("Authorization", f"Basic {token}")
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return (response.headers.get("Content-Type", ""), response.read(),
                            response.headers.get(MAX_ROWS_HEADER) is not None)
            except TimeoutError as exc:
                raise QueryDeadline() from exc
            except urllib.error.HTTPError as exc:
                message = exc.read().decode("utf-8", "replace").strip()
                # A 400 is the query's fault, unless the server says it hit its own limit
                # (Virtuoso: "SP031: SPARQL: Internal error: The length of generated SQL…").
                if exc.code == 400 and "Internal error" not in message:
                    raise StoreQueryError(message[:500]) from None
                if exc.code in (400, 500) and message:
                    raise QueryRefused(message.split("\n\nSPARQL query:")[0][:500]) from None
                raise
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                    raise QueryDeadline() from exc
                raise
        return self._retrying(self.query_url, call)


__all__ = ["QueryDeadline", "QueryRefused", "Remote", "SparqlStore", "StoreQueryError",
           "StoreResultCut", "StoreUnavailable", "nt"]
