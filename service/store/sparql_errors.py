"""What can go wrong between Socle and a SPARQL server, as errors a caller can act on: the
server is gone (503, retry), it cut its answer (502, raise its limit), it refused a query."""

from __future__ import annotations

from service.errors import SocleError, StoreBusy


class StoreUnavailable(StoreBusy):
    """The store server cannot be reached (or keeps failing): 503, retry later."""


class QueryDeadline(Exception):
    """A forwarded query ran past its deadline (the endpoint answers 504)."""


class StoreResultCut(SocleError):
    """The server answered only the first rows of a query (Virtuoso's `ResultSetMaxRows`):
    a cut answer read as a whole one would lose records silently."""

    status = 502
    title = "Store answer cut"
    type_slug = "store-result-cut"


class StoreQueryError(RuntimeError):
    """The store refused a query Socle built (a bug or an unsupported server feature)."""


class QueryRefused(Exception):
    """The server could not evaluate a forwarded public query and said why (Virtuoso answers
    500 for queries it cannot compile, such as a transitive path with neither end bound)."""


def unavailable(url: str, why: object) -> StoreUnavailable:
    err = StoreUnavailable(
        f"Le triplestore ({url}) ne répond pas : {why}. Réessayez dans un instant.",
        f"The triple store ({url}) is not answering: {why}. Retry in a moment.")
    err.headers = {"Retry-After": "5"}
    return err


def cut(url: str, limit: str) -> StoreResultCut:
    return StoreResultCut(
        f"Le triplestore ({url}) n'a renvoyé que les {limit} premières lignes d'une requête "
        "de Socle (ResultSetMaxRows de Virtuoso) : relevez cette limite (docs/scaling.md).",
        f"The triple store ({url}) answered only the first {limit} rows of a query of "
        "Socle's (Virtuoso's ResultSetMaxRows): raise that limit (docs/scaling.md).",
        max_rows=limit)
