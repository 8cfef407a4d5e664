"""Validation results and reports: the public, engine-independent shape of a validation.

Why separate: callers (records core, API, CLI) only depend on these two classes; both engines
(pySHACL reference and the compiled fast engine) produce the same ``ValidationResult`` values,
which lets tests compare engines with a plain set comparison.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Literal
from rdflib.term import Node

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


def node_str(node: Node | None) -> str | None:
    """IRIs as plain strings, literals as their lexical form, blank nodes as ``_:id``."""
    if node is None:
        return None
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One SHACL result, with the fix-it message in French and English."""

    focus: str
    path: str | None
    value: str | None
    severity: str
    message_fr: str
    message_en: str
    shape: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "focus": self.focus, "path": self.path, "value": self.value,
            "severity": self.severity,
            "message": {"fr": self.message_fr, "en": self.message_en},
            "shape": self.shape,
        }


def _sort_key(r: ValidationResult) -> tuple[int, str, str, str, str, str]:
    return (SEVERITY_ORDER.get(r.severity, 9), r.focus, r.path or "", r.value or "",
            r.shape or "", r.message_en)


@dataclass(frozen=True)
class Report:
    """Outcome of one ``Validator.validate`` call; conforms when there is no Violation."""

    results: tuple[ValidationResult, ...] = field(default_factory=tuple)

    @classmethod
    def from_results(cls, results: Iterable[ValidationResult]) -> Report:
        """Deduplicate and sort (violations first) so reports are stable across engines.

        Two shapes may flag the same gap (DCAT-AP recommends a contact point, the French
        profile asks for one too): a curator gets one line per (focus, path, value, severity).
        """
        kept: dict[tuple[str, str, str | None, str | None], ValidationResult] = {}
        for r in sorted(set(results), key=_sort_key):
            kept.setdefault((r.severity, r.focus, r.path, r.value), r)
        return cls(tuple(kept.values()))

    @property
    def conforms(self) -> bool:
        return not self.violations

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")

    def to_dict(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [r.to_dict() for r in self.results],
        }
