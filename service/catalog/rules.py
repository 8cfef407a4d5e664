"""The write rules, as pure functions over what the bookkeeping said: one place decides, for
every write path (the records API, the curator's form, `socle import`, SCDL, harvest, demo),
which record a document is, whether the writer may touch it, and whether it may be stored.

The batch writer (``writer.py``) looks things up, prepares records (``prepare.py``) and
writes; every decision it takes is a call to this module or to ``ownership.py`` (IRIs), in
this order for one record:

1. which record (``existing``): by dataset IRI, else by a dct:identifier of the writer's;
   what the request mode says of it (``target``: create refuses an existing one, replace
   needs the addressed one, upsert takes either), and the owner (``check_owner``); a
   dct:identifier another record of the publisher has is refused (``check_identifiers``);
2. its local id (``new_id``) and its graph (``prepare.record_graph``: IRI, closure scoped by
   ownership, skolemised, identifier kept or refused, publisher attached);
3. ``admit``: the IRI is free and the record's own (``ownership.check_record_iri``), it
   describes nothing it does not own (``ownership.check_foreign``), it changed, and its
   validation report passes the write **policy**.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from rdflib import RDF, URIRef
from rdflib.term import Node

from service.catalog.bookkeeping import RecordMeta
from service.catalog.ownership import check_foreign, check_record_iri, wanted_id
from service.catalog.prepare import Intake
from service.errors import Conflict, Forbidden, InvalidRecord, NotFound, SocleError
from service.rdf.namespaces import DCAT
from service.rdf.records import Extracted

SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")  # no dots: a dot starts a format suffix
# Records per transaction of a bulk import. Measured (docs/benchmarks.md, "Bulk import"): each
# batch is one bulk load, i.e. a set of new SST files RocksDB later compacts; 256-record
# batches cost more CPU than 1,024, 2,048 gained nothing more.
BATCH_SIZE = 1024

Outcome = Literal["created", "updated", "unchanged"]
Mode = Literal["create", "replace", "upsert"]
# What a write does with a record whose validation report has violations:
# - "strict": refuse it (422 with the report): the records API, the curator's form, imports;
# - "quarantine": keep it as a non-public record (``private.py``, status "quarantine") with its
#   report, until a later write of it conforms: harvest sources by default;
# - "publish": store and publish it with its report (``accepted_with_violations``): harvest
#   sources marked accept_invalid, as portals harvest what they find (a non-conformant feed).
Policy = Literal["strict", "quarantine", "publish"]
POLICIES: tuple[str, ...] = ("strict", "quarantine", "publish")
# "public": written to the store (published); "draft": kept in the private area, whatever
# its validation report says, until published.
Status = Literal["public", "draft"]


@dataclass(frozen=True)
class Write:
    """One record to write, and how: ``create`` (POST), ``replace`` (PUT of ``record_id``)
    or ``upsert`` (imports: create, or replace the record with the same IRI/identifier)."""

    extracted: Extracted
    mode: Mode = "upsert"
    record_id: str | None = None
    intake: Intake | None = None  # cut from an imported document: repaired in prepare
    status: Status = "public"
    repairs: tuple[dict[str, Any], ...] = ()  # kept with a private record (its fix list)


@dataclass(frozen=True)
class WriteResult:
    outcome: Outcome
    meta: RecordMeta
    report: dict[str, Any]
    dropped: tuple[dict[str, Any], ...] = ()  # ownership.Dropped report lines
    repairs: tuple[dict[str, Any], ...] = ()  # the intake's repairs (prepare.repaired)


# What a message calls the record, by its class (a data service is no "jeu de données"):
# (French with its article, French noun phrase after "du"/"de", English).
NOUNS: dict[str, tuple[str, str, str]] = {
    f"{DCAT}Dataset": ("le jeu de données", "jeu de données", "dataset"),
    f"{DCAT}DatasetSeries": ("la série de données", "série de données", "dataset series"),
    f"{DCAT}DataService": ("le service de données", "service de données", "data service"),
}
_DATASET = NOUNS[f"{DCAT}Dataset"]


def noun(extracted: Extracted | None) -> tuple[str, str, str]:
    """The record's noun for messages (``NOUNS``); a dataset when untyped."""
    if extracted is None:
        return _DATASET
    for kind in extracted.graph.objects(extracted.root, RDF.type):
        if str(kind) in NOUNS:
            return NOUNS[str(kind)]
    return _DATASET

    @property
    def status(self) -> str:
        """"public", "draft" or "quarantine" (``meta.status``)."""
        return self.meta.status


def check_policy(policy: str) -> None:
    if policy not in POLICIES:
        raise ValueError(f"unknown write policy {policy!r} (accepted: {', '.join(POLICIES)})")


def slug(value: str) -> bool:
    return bool(SLUG.match(value))


def asked_id(base: str, extracted: Extracted, identifiers: Iterable[Node]) -> str | None:
    """The local id a new record asks for (``ownership.wanted_id``)."""
    return wanted_id(base, extracted.root, identifiers, slug)


def new_id(asked: str | None, taken: Container[str]) -> str:
    """The asked id when free, else 12 random hex digits."""
    if asked and asked not in taken:
        return asked
    return uuid.uuid4().hex[:12]


def existing(extracted: Extracted, identifiers: Iterable[Node],
             by_iri: Callable[[str], RecordMeta | None],
             by_identifier: Callable[[str], RecordMeta | None]) -> RecordMeta | None:
    """The record a document is: its dataset IRI's, else (blank node) the writer's record
    with one of its dct:identifier values."""
    if isinstance(extracted.root, URIRef):
        return by_iri(str(extracted.root))
    for identifier in identifiers:
        found = by_identifier(str(identifier))
        if found:
            return found
    return None


def target(write: Write, publisher_id: str, found: RecordMeta | None,
           addressed: RecordMeta | None) -> RecordMeta | None:
    """The record the write replaces (None: a new record), or the error the mode says."""
    if write.mode == "replace":
        if addressed is None:
            raise not_found(write.record_id or "")
        check_owner(publisher_id, addressed.publisher)
        root = write.extracted.root
        if isinstance(root, URIRef) and str(root) != addressed.iri:
            raise Conflict(
                f"L'IRI du jeu de données ne peut pas changer ({addressed.iri}).",
                f"The dataset IRI cannot change ({addressed.iri}).",
            )
        return addressed
    if found is not None:
        check_owner(publisher_id, found.publisher)
        if write.mode == "create":
            the_fr, _fr, en = noun(write.extracted)
            raise Conflict(
                f"{the_fr[0].upper()}{the_fr[1:]} existe déjà ({found.id}) : utilisez PUT "
                f"/datasets/{found.id} pour le remplacer.",
                f"This {en} already exists ({found.id}): use PUT "
                f"/datasets/{found.id} to replace it.",
                record=found.id,
            )
    return found


def check_identifiers(identifiers: Iterable[str], holders: Mapping[str, list[RecordMeta]],
                      current: RecordMeta | None) -> None:
    """One publisher's records have distinct dct:identifier values: harvesters key on it
    (data.gouv.fr fails the second dataset with "Identifier … already exists"), so a record
    whose identifier another of the publisher's records has is refused, naming that record."""
    mine = current.id if current is not None else None
    for identifier in identifiers:
        others = [h for h in holders.get(identifier, ()) if h.id != mine]
        if others:
            held = others[0]
            raise Conflict(
                f"L'identifiant (dct:identifier) « {identifier} » est déjà celui de "
                f"l'enregistrement « {held.id} » ({held.iri}) de cet éditeur : chacun doit "
                "avoir le sien (les moissonneurs, dont data.gouv.fr, refusent les doublons).",
                f"The identifier (dct:identifier) '{identifier}' already belongs to record "
                f"'{held.id}' ({held.iri}) of this publisher: each needs its own "
                "(harvesters, data.gouv.fr among them, refuse duplicates).",
                identifier=identifier, record=held.id, record_iri=held.iri,
            )


def admit(base: str, publisher_id: str, record_id: str, iri: str, current: RecordMeta | None,
          iri_taken: bool, foreign: list[str], record_iris: Container[str],
          described_by: Mapping[str, set[str]]) -> None:
    """The checks between a prepared record and its validation, in order."""
    if current is None and iri_taken:
        raise Conflict("Cette IRI est déjà utilisée.", "This IRI is already used.")
    check_record_iri(base, iri, record_id, current is None)
    check_foreign(base, iri, publisher_id, foreign, record_iris, described_by)


def judged(report: dict[str, Any], policy: Policy, status: Status = "public",
           extracted: Extracted | None = None) -> tuple[dict[str, Any], str]:
    """The report a write stores and the status of the record it writes ("public", "draft",
    "quarantine"), or the 422 the policy gives a non-conforming record. A draft is kept
    whatever its report says: it is validated and reported, not refused."""
    if status == "draft":
        return report, "draft"
    if report["conforms"]:
        return report, "public"
    if policy == "publish":
        return {**report, "accepted_with_violations": True}, "public"
    if policy == "quarantine":
        return report, "quarantine"
    raise invalid_record(report, extracted)


def check_owner(writer: str, owner: str) -> None:
    """Tokens write only their own publisher's records."""
    if writer != owner:
        # Neutral on who writes: an API token, a curator's session, an import or a harvest.
        raise Forbidden(
            f"Cet enregistrement appartient à l'éditeur « {owner} » : cette écriture, faite "
            f"pour l'éditeur « {writer} », ne peut pas le modifier.",
            f"This record belongs to publisher '{owner}': this write, made for publisher "
            f"'{writer}', cannot change it.",
        )


def not_found(record_id: str) -> NotFound:
    return NotFound(f"Aucun jeu de données « {record_id} ».", f"No dataset '{record_id}'.")


def invalid_record(report: dict[str, Any], extracted: Extracted | None = None
                   ) -> InvalidRecord:
    """The 422 of a record SHACL found violations in, with its report."""
    count = report["violations"]
    the_fr, _fr, en = noun(extracted)
    return InvalidRecord(
        f"{the_fr[0].upper()}{the_fr[1:]} a {count} erreur(s) bloquante(s) : corrigez-les "
        "(voir « results »).",
        f"The {en} has {count} violation(s): fix them (see 'results').",
        validation=report, results=report["results"],
    )


Result = WriteResult | SocleError
