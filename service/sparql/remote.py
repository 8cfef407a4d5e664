"""The endpoint over an external store: the checked query runs on the SPARQL server.

Same messages as worker.Runner (head, chunks, end / error), so that the endpoint's limits,
headers and formats are identical on every backend: the query is first parsed by pyoxigraph on
an empty store (same syntax errors everywhere; not VALUES queries, see run), then sent to the
server with what is left of the timeout as socket deadline; the server's answer (JSON results
or Turtle) is cut at the row limit and written by Socle's own serialisers. The server stops
the query itself when it has a timeout of its own (Oxigraph `--timeout-s`, Virtuoso
`MaxQueryExecutionTime`); Socle stops waiting.
"""

from __future__ import annotations

import json
import time
from itertools import islice
from typing import Any

import pyoxigraph as ox

from service.sparql import lexer, serialize
from service.sparql.shape import QUERY_FORMS, shape, without_dataset_clause
from service.sparql.worker import _Sender
from service.store.sparql import SparqlStore
from service.store.sparql_errors import QueryDeadline, QueryRefused, StoreQueryError
from service.store.sparql_terms import to_ox_term

ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"
EMPTY_GRAPH = "urn:socle:graph:empty"  # never written: an empty graph on every server
# CONSTRUCT / DESCRIBE: RDF only (Virtuoso answers them in JSON when JSON is acceptable).
ACCEPT_RDF = "application/n-triples, text/turtle;q=0.9"


class RemoteTimeout(Exception):
    """The server did not answer before the deadline."""


class RemoteRunner:
    def __init__(self, store: SparqlStore, timeout: float) -> None:
        self.store = store
        self.timeout = timeout

    def run(self, req: dict, send) -> None:
        deadline = time.monotonic() + self.timeout
        base = req.get("base_iri")
        words = lexer.words(req["query"])
        # pyoxigraph parses then evaluates, and cannot be stopped: on an empty store evaluation
        # is instant except for inline data (VALUES), whose product alone can take minutes,
        # in this process. Those queries go to the server unchecked: it judges their syntax,
        # and Socle's deadline applies as for any query.
        if "VALUES" not in words:
            try:
                ox.Store().query(req["query"], base_iri=base)
            except SyntaxError as err:
                send(("error", "syntax", str(err)))
                return
            except RuntimeError as err:  # parsed, but pyoxigraph cannot evaluate it
                send(("error", "evaluation", str(err)))
                return
        query = f"BASE <{base}>\n{req['query']}" if base else req["query"]
        default_graph, named_graphs = req.get("default_graph"), req.get("named_graphs")
        found = shape(req["query"], base)
        if found.has_dataset_clause and (default_graph is not None or named_graphs is not None):
            # The protocol's dataset replaces the query's: said by removing FROM (Virtuoso
            # would otherwise keep it).
            query = without_dataset_clause(req["query"], found)
            query = f"BASE <{base}>\n{query}" if base else query
        elif found.has_dataset_clause:
            # The query's own FROM / FROM NAMED, restated as protocol parameters (same dataset):
            # a server whose default graph is the union (Oxigraph --union-default-graph)
            # ignores FROM but honours default-graph-uri.
            default_graph, named_graphs = list(found.default_graphs), list(found.named_graphs)
        if default_graph is not None or named_graphs is not None:
            # A protocol dataset with no default (or no named) graph means an empty one;
            # Virtuoso takes "none given" as "all": name a graph that does not exist instead.
            default_graph = default_graph or [EMPTY_GRAPH]
            named_graphs = named_graphs or [EMPTY_GRAPH]
        try:
            form = found.form if found.form in QUERY_FORMS else "SELECT"
            accept = ACCEPT_RDF if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT
            ctype, body, cut = self.store.forward(
                query, accept=accept, default_graph=default_graph,
                named_graphs=named_graphs, timeout=max(0.1, deadline - time.monotonic()))
        except QueryDeadline as err:
            raise RemoteTimeout() from err
        except StoreQueryError as err:
            send(("error", "syntax", str(err)))
            return
        except QueryRefused as err:
            send(("error", "refused", str(err)))
            return
        fmt, max_rows = req["format"], req.get("max_rows") or 0
        try:
            if "json" in ctype:
                self._results(json.loads(body), fmt, max_rows, cut, send)
            else:
                self._graph(body, ctype, fmt, max_rows, req, send)
        except serialize.Unwritable as err:
            send(("error", "unwritable", str(err)))
        except OSError as err:  # a writer's refusal (JSON-LD and triple terms)
            send(("error", "format", str(err)))

    def _results(self, data: dict[str, Any], fmt: str, max_rows: int, cut: bool,
                 send) -> None:
        """`cut`: the server answered only its first rows (Virtuoso's ResultSetMaxRows), which
        the endpoint signals as it signals its own row limit."""
        if "boolean" in data:
            send(("head", {"kind": "ASK", "truncated": False, "rows": 1}))
            send(("chunk", serialize.ask(fmt, bool(data["boolean"])).encode()))
            send(("end", {"rows": 1}))
            return
        if fmt not in serialize.RESULTS_KEYS:
            send(("error", "format", fmt))
            return
        variables = data["head"].get("vars", [])
        bindings = data["results"]["bindings"]
        # The serialisers zip a row with the variables: a sequence in their order, None unbound.
        rows = [[to_ox_term(b[v]) if v in b else None for v in variables]
                for b in (bindings[:max_rows + 1] if max_rows else bindings)]
        mine = bool(max_rows) and len(rows) > max_rows
        rows = rows[:max_rows] if mine else rows
        truncated = mine or cut
        send(("head", {"kind": "SELECT", "truncated": truncated,
                       "rows": len(rows) if max_rows else None}))
        out = _Sender(send)
        for piece in serialize.select(fmt, variables, rows, truncated):
            out.write(piece.encode("utf-8"))
        out.flush()
        send(("end", {"truncated": truncated}))

    def _graph(self, body: bytes, ctype: str, fmt: str, max_rows: int, req: dict,
               send) -> None:
        if fmt not in serialize.RDF_FORMATS:
            send(("error", "format", fmt))
            return
        syntax = ox.RdfFormat.N_TRIPLES if "n-triples" in ctype else ox.RdfFormat.TURTLE
        triples = ox.parse(body, format=syntax)
        rows = list(islice(triples, max_rows + 1)) if max_rows else list(triples)
        truncated = bool(max_rows) and len(rows) > max_rows
        rows = rows[:max_rows] if truncated else rows
        send(("head", {"kind": "CONSTRUCT", "truncated": truncated,
                       "rows": len(rows) if max_rows else None}))
        out = _Sender(send)
        serialize.write_rdf(rows, out, fmt, req.get("prefixes"))
        out.flush()
        send(("end", {"truncated": truncated}))
