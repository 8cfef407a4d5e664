"""The endpoint's refusals, as problem+json (see docs/sparql.md for each status)."""

from __future__ import annotations

from service.errors import SocleError


class QuerySyntaxError(SocleError):
    title = "Malformed query"
    type_slug = "sparql-syntax"


class MissingQuery(SocleError):
    title = "Missing query"
    type_slug = "sparql-missing-query"


class ReadOnly(SocleError):
    status = 403
    title = "Read-only endpoint"
    type_slug = "sparql-read-only"


class ServiceRefused(SocleError):
    status = 403
    title = "Federated query refused"
    type_slug = "sparql-service-refused"


class Busy(SocleError):
    status = 503
    title = "Too many queries"
    type_slug = "sparql-busy"


class QueryTimeout(SocleError):
    status = 504
    title = "Query timeout"
    type_slug = "sparql-timeout"


class StoreRefused(SocleError):
    """An external store could not evaluate a valid query (a limit of that engine)."""

    status = 422
    title = "Query not supported by the store"
    type_slug = "sparql-store-refused"


class QueryEvaluationError(SocleError):
    """The parser accepted the query, the engine could not evaluate it (member
    `engine_message`)."""

    title = "Query evaluation failed"
    type_slug = "sparql-evaluation"


class QueryTooComplex(SocleError):
    """Nesting or operator chains past what the engine evaluates safely (checked before)."""

    title = "Query too complex"
    type_slug = "sparql-too-complex"


class WorkerFailure(SocleError):
    """The query worker died (a crash in the engine) or failed; it has been replaced."""

    status = 503
    title = "Query worker failed"
    type_slug = "sparql-worker-failed"


class Throttled(SocleError):
    """This client's recent queries crashed query workers: its queries wait a while."""

    status = 429
    title = "Too many failing queries"
    type_slug = "sparql-throttled"


class InvalidDataset(SocleError):
    title = "Invalid dataset IRI"
    type_slug = "sparql-invalid-dataset"
