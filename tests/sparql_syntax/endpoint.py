"""Requests sent to a real endpoint (an app over an on-disk store, query workers included) while
a listener on 127.0.0.1 stands where every SERVICE of the corpus points."""

from __future__ import annotations

import contextlib
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from service.sparql.shape import shape
from tests.sparql.test_guards import Listener
from tests.sparql_syntax.corpus import BASE, generate

HEADERS = {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}


@contextlib.contextmanager
def endpoint_app(directory: Path | None = None) -> Iterator:
    from service.app import create_app
    from service.config import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data=str(directory or Path(tmp) / "data"),
                            base_url=BASE.removesuffix("/sparql"), sparql_timeout=5.0,
                            sparql_queue_wait=10.0)
        app = create_app(settings)
        try:
            yield app
        finally:
            app.extensions["socle"].sparql.close()
            app.extensions["socle"].store.close()


def send(client, query: str):
    return client.post("/sparql", data=query.encode(), headers={
        **HEADERS, "Content-Type": "application/sparql-query"})


def expected_status(query: str) -> set[int]:
    """What the endpoint may answer to a request rdflib reads as valid."""
    found = shape(query, BASE)
    if found.form == "UPDATE" or found.uses_service:
        return {403}
    return {200, 400}  # 400: pyoxigraph stricter than rdflib, or an evaluation error


def run_against_endpoint(seed: int, n: int) -> dict:
    """Statuses, unexpected answers and connections for the first n requests of the corpus."""
    listener = Listener()
    statuses: Counter = Counter()
    unexpected: list[tuple[int, str]] = []
    try:
        with endpoint_app() as app:
            client = app.test_client()
            for query in generate(n, seed, listener.url):
                response = send(client, query)
                statuses[response.status_code] += 1
                if response.status_code not in expected_status(query):
                    unexpected.append((response.status_code, query))
    finally:
        listener.close()
    return {"requests": n, "statuses": dict(sorted(statuses.items())),
            "status_5xx": sum(v for k, v in statuses.items() if k >= 500),
            "unexpected": len(unexpected), "first_unexpected": unexpected[:3],
            "connections": listener.connections}
