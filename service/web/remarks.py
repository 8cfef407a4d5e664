"""Which validation results a curator is shown.

Why: the shapes note (severity Info) every value whose class they cannot check: the language
FRA, the availability STABLE, an IANA media type, an INSEE commune, a landing page. Told "pick a
value from the reference vocabularies" about values Socle itself offered, right under
"conforms, no warnings", a curator learns to ignore the whole report. So a note is shown only
where the curator can act: on a property that has a reference vocabulary, about a value that
none of Socle's references knows (`vocab/`, the territories registry, IANA media types, the EU
language table). Results about the publisher node, which the operator manages and a record
cannot change, are not shown on the record's pages either. Stored reports, the API and the
CLI keep every result.
"""

from __future__ import annotations

from typing import Any

from service.rdf.namespaces import DCAT, DCATAP, DCTERMS
from service.web.vocabulary import Vocabularies

VOCABULARY_PATHS = frozenset(str(p) for p in (
    DCAT.theme, DCTERMS.accrualPeriodicity, DCTERMS.license, DCTERMS.accessRights,
    DCTERMS.format, DCTERMS.language, DCATAP.availability, DCAT.mediaType, DCTERMS.spatial))


def for_curators(results: list[dict[str, Any]], vocab: Vocabularies,
                 publisher_iri: str | None = None) -> list[dict[str, Any]]:
    return [r for r in results if _actionable(r, vocab, publisher_iri)]


def _actionable(result: dict[str, Any], vocab: Vocabularies, publisher_iri: str | None) -> bool:
    if publisher_iri and result.get("focus") == publisher_iri:
        return False
    if result.get("severity") != "Info":
        return True
    value = result.get("value") or ""
    return result.get("path") in VOCABULARY_PATHS and bool(value) and not vocab.known(value)
