"""Taking records that do not conform, for sources marked ``accept_invalid``.

Portals harvest what they find (udata and CKAN store a dataset whatever its DCAT-AP
conformance); a regional platform aggregating communes' portals often must too, or the
commune's data disappears from it. Such a source writes through a records service whose
validator still validates (the report, violations included, is kept in the record's
bookkeeping and in the harvest report) but does not block the write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.catalog.records import RecordService
from service.validation.report import Report


@dataclass(frozen=True)
class AcceptedReport(Report):
    """A report that lets the write through; `to_dict` still tells the truth."""

    @property
    def conforms(self) -> bool:  # read by the records service to block a write
        return True

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["conforms"] = not self.violations
        data["accepted_with_violations"] = bool(self.violations)
        return data


class LenientValidator:
    """Delegates to the real validator; its reports never block."""

    def __init__(self, validator: Any) -> None:
        self._validator = validator

    def validate(self, graph: Any) -> Report:
        report = self._validator.validate(graph)
        return AcceptedReport(report.results)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._validator, name)


def lenient_records(records: RecordService) -> RecordService:
    """A records service over the same store that writes non-conforming records too."""
    twin = RecordService(records.store, LenientValidator(records.validator), records.base_url)
    twin.observers = records.observers  # the feed index hears of these writes as well
    twin._lock = records._lock  # noqa: SLF001 - one check-then-write section per store
    return twin
