"""DCAT-AP 3 + French local profile validation (SHACL), see docs/validation.md.

Public contract::

    from service.validation import Validator, Report, ValidationResult
    report = Validator().validate(graph)
"""

from .report import Report, ValidationResult
from .validator import Validator

__all__ = ["Report", "ValidationResult", "Validator"]
