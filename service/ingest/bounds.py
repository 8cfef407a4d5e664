"""Bounded reports: an import or harvest report stays under a documented size whatever the
input (docs/api.md, "Limits"): counts stay exact, lists keep their first entries.

Why: a report is built from the input, so an input with 100,000 bad rows made a 519 MB reply
and gigabytes of server memory. Each list is cut where it is built, not only when sent.
"""

from __future__ import annotations

from typing import Any

MAX_ITEMS = 1000  # items listed per outcome (created, updated, unchanged, failed…)
MAX_DETAILS = 10  # validation results or cell errors kept per item
MAX_PER_KIND = 20  # row errors kept per kind (column, or "record" for a refused record)
MAX_LINES = 100  # line numbers listed per notice


def cap_details(error: dict[str, Any] | None) -> dict[str, Any] | None:
    """An item's error with at most MAX_DETAILS results/errors (and their totals)."""
    if not error:
        return error
    out = dict(error)
    for key in ("results", "errors"):
        values = out.get(key)
        if isinstance(values, list) and len(values) > MAX_DETAILS:
            out[key] = values[:MAX_DETAILS]
            out[f"{key}_total"] = len(values)
    return out


class ItemList:
    """Items listed up to MAX_ITEMS per outcome; the others only counted (`unlisted`)."""

    def __init__(self, limit: int = MAX_ITEMS) -> None:
        self.limit = limit
        self.items: list[dict[str, Any]] = []
        self.listed: dict[str, int] = {}
        self.unlisted: dict[str, int] = {}

    def add(self, outcome: str, item: dict[str, Any]) -> None:
        if self.listed.get(outcome, 0) >= self.limit:
            self.unlisted[outcome] = self.unlisted.get(outcome, 0) + 1
            return
        self.listed[outcome] = self.listed.get(outcome, 0) + 1
        self.items.append(item)


class ErrorsByKind:
    """The first MAX_PER_KIND errors of each kind, and how many of each there were."""

    def __init__(self, limit: int = MAX_PER_KIND) -> None:
        self.limit = limit
        self.kept: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}

    def add(self, kind: str, error: dict[str, Any]) -> None:
        seen = self.counts.get(kind, 0)
        self.counts[kind] = seen + 1
        if seen < self.limit:
            self.kept.append(error)

    @property
    def total(self) -> int:
        return sum(self.counts.values())
