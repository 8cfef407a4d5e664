"""Errors that carry what a user needs to fix the request; turned into problem+json in one place.

Messages are French first, then English, because curators read them.
"""

from __future__ import annotations

from typing import Any


class SocleError(Exception):
    """Base error: an HTTP status, a short title, a bilingual detail and extra members."""

    status = 400
    title = "Bad request"
    type_slug = "bad-request"
    headers: dict[str, str] | None = None  # extra response headers (Retry-After on 429, 503)

    def __init__(self, detail_fr: str, detail_en: str, **extra: Any) -> None:
        super().__init__(f"{detail_fr} / {detail_en}")
        self.detail_fr = detail_fr
        self.detail_en = detail_en
        self.extra = extra

    def __reduce__(self) -> tuple[Any, ...]:
        """Picklable (the import's worker processes send errors back): Exception's default
        would call ``__init__`` with the one joined message."""
        return (_rebuild, (type(self), self.detail_fr, self.detail_en, self.extra),
                self.__dict__)

    @property
    def detail(self) -> str:
        return f"{self.detail_fr} — {self.detail_en}"

    def to_problem(self, instance: str | None = None) -> dict[str, Any]:
        problem: dict[str, Any] = {
            "type": f"https://socle.opendata.fr/problems/{self.type_slug}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "detail_fr": self.detail_fr,
            "detail_en": self.detail_en,
        }
        if instance:
            problem["instance"] = instance
        problem.update(self.extra)
        return problem


class ParseError(SocleError):
    """The body is not RDF of the announced syntax: carries line and column when known."""

    title = "Malformed RDF"
    type_slug = "malformed-rdf"


class UnsafeInputError(SocleError):
    """The document asks the server to fetch or read something (entities, remote contexts)."""

    title = "Forbidden construct in document"
    type_slug = "unsafe-construct"


class RecordShapeError(SocleError):
    """The body parses but is not one record (no dataset, two datasets, stray nodes)."""

    title = "Not a single record"
    type_slug = "not-a-record"


class UnsupportedMediaType(SocleError):
    status = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


class NotAcceptable(SocleError):
    status = 406
    title = "Not acceptable"
    type_slug = "not-acceptable"


class NotFound(SocleError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(SocleError):
    status = 409
    title = "Conflict"
    type_slug = "conflict"


class Unauthorized(SocleError):
    status = 401
    title = "Authentication required"
    type_slug = "unauthorized"


class Forbidden(SocleError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class InvalidRecord(SocleError):
    """SHACL violations: the report travels in the problem body."""

    status = 422
    title = "Record does not conform"
    type_slug = "validation-failed"


class StoreBusy(SocleError):
    status = 503
    title = "Store unavailable"
    type_slug = "store-unavailable"


def _rebuild(cls: type[SocleError], detail_fr: str, detail_en: str,
             extra: dict[str, Any]) -> SocleError:
    return cls(detail_fr, detail_en, **extra)
