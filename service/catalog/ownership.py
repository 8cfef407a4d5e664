"""Who may say what about which IRI: the ownership rules every write applies (pure functions).

Queries see the union of record graphs, so a triple in one record about a node another
record, publisher or the service owns changes what everybody sees of that node (issue 21:
a publisher could make another's publisher node, distribution or the catalogue itself a
dcat:Dataset of its own). The rules:

- **Under the instance's base** (``BASE``, ``BASE/...``) the service mints every IRI. A record
  describes only its own: its dataset IRI and the nodes under ``IRI#`` or
  ``BASE/datasets/{id}#`` (its skolemised blank nodes). A *new* record's dataset IRI under the
  base must be the one the service would mint for it, ``BASE/datasets/{id}`` with ``{id}`` its
  local id (from its dct:identifier, ``wanted_id``); any other (``BASE/publishers/p1``,
  ``BASE/records/r``, ``BASE/catalog``, ``BASE/datasets/r#x``, a future record's IRI) is
  refused (400).
- **Outside the base** the first publisher whose record describes an IRI owns it: another
  publisher's record describing it (as its dataset IRI or any other subject) is refused (409).
  Another record's dataset IRI, or a node under ``IRI#`` of it, is refused whoever owns it
  (400): a record describes only itself.
- **Shared vocabulary values** (the IRI values of the properties of DCAT-AP's range table:
  licences, themes, formats, frequencies, places, standards, languages…; not pages) belong to
  nobody:
  what a record says about them is **dropped** before validation and storage, with a report
  line (``Dropped``), except ``rdf:type`` with the class that range table expects (what the
  feed's enrichment says of them anyway, and what validation needs for an IRI outside
  ``vocab/``). A record that needs to describe its own licence or place uses a blank node
  (it becomes the record's own node). IRIs with a fragment (``…#x``) are not taken for
  vocabulary values: they name nodes inside a document (another catalogue's skolemised blank
  nodes, e.g. another Socle's ``BASE/datasets/{id}#…``) and follow the rule above instead.
- The writer's **publisher node** is described by the service alone (``publisher_triples``):
  what the document says about it is dropped silently, as ``dct:publisher`` already was.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from service.errors import Conflict, RecordShapeError
from service.rdf.namespaces import RDF
from service.rdf.profiles.enrich import RANGES
from service.rdf.records import closure_triples

Triple = tuple[Node, Node, Node]
SYSTEM_IRI_PREFIX = "urn:socle:"  # system graphs, tokens
# rdf:type as a set: a C hash per triple where ``==`` on rdflib terms is a Python call
_TYPE_ONLY = frozenset({RDF.type})
# Property → the class its IRI values are expected to have: those values are shared vocabulary.
# Pages (landing page, foaf:page, homepage) are not: a page is usually one dataset's own (a
# source catalogue's record page often is its landing page), so it follows the ownership rule.
PAGE_LINKS = frozenset({"http://www.w3.org/ns/dcat#landingPage",
                        "http://xmlns.com/foaf/0.1/page", "http://xmlns.com/foaf/0.1/homepage"})
# A checksum's algorithm (DCAT-AP 3: spdx:algorithm, range spdx:ChecksumAlgorithm) is a shared
# value too; the feed's range table (profiles/enrich.py) does not type it, so it is added here.
# Without it, ``spdx:checksumAlgorithm_sha256 a spdx:ChecksumAlgorithm`` (in every record of
# data.gouv.fr-like exports) was owned by the first publisher typing it, and each later write
# looked it up across every record typing it (described_by: a write grew with the store).
_SPDX = "http://spdx.org/rdf/terms#"
VOCABULARY_RANGES: dict[Node, URIRef] = {
    **{URIRef(p): URIRef(c) for p, c in RANGES.items() if p not in PAGE_LINKS},
    URIRef(f"{_SPDX}algorithm"): URIRef(f"{_SPDX}ChecksumAlgorithm"),
}


@dataclass(frozen=True)
class Dropped:
    """One report line: the statements a record made about a shared vocabulary IRI."""

    subject: str
    triples: int

    def to_dict(self) -> dict[str, object]:
        return {
            "subject": self.subject, "triples": self.triples,
            "detail_fr": f"{self.triples} triplet(s) sur <{self.subject}> ignoré(s) : cette IRI "
                         "est une valeur de vocabulaire partagée, qu'aucun enregistrement ne "
                         "décrit (utilisez un nœud anonyme pour décrire la vôtre).",
            "detail_en": f"{self.triples} triple(s) about <{self.subject}> dropped: this IRI is "
                         "a shared vocabulary value no record describes (use a blank node to "
                         "describe your own).",
        }


def under_base(base: str, iri: str) -> bool:
    return iri == base or iri.startswith((f"{base}/", f"{base}#", f"{base}?"))


def own_prefixes(base: str, iri: str, record_id: str) -> tuple[str, str]:
    return f"{iri}#", f"{base}/datasets/{record_id}#"


def wanted_id(base: str, root: Node, identifiers: Iterable[Node],
              slug: Callable[[str], bool]) -> str | None:
    """The local id a new record asks for: its first dct:identifier that is a slug, else the
    ``{id}`` of a dataset IRI ``BASE/datasets/{id}`` that is its own identifier (a record the
    service minted without a slug, exported and imported again)."""
    values = sorted(str(i) for i in identifiers)
    for value in values:
        if slug(value):
            return value
    prefix = f"{base}/datasets/"
    if isinstance(root, URIRef) and str(root).startswith(prefix) and str(root) in values:
        tail = str(root)[len(prefix):]
        return tail if slug(tail) else None
    return None


def check_iri_form(iri: str) -> None:
    """The dataset IRI names the record graph: http(s) or urn, never a system graph name
    (that graph would be dropped and overwritten). Malformed input: checked before any
    conflict with stored records."""
    if not iri.startswith(("http://", "https://", "urn:")):
        raise RecordShapeError("L'IRI du jeu de données doit être http(s) ou urn.",
                               "The dataset IRI must be http(s) or urn.")
    if iri.startswith(SYSTEM_IRI_PREFIX):
        raise RecordShapeError(f"IRI réservée au service : {iri}.",
                               f"IRI reserved for the service: {iri}.")


def check_record_iri(base: str, iri: str, record_id: str, new: bool) -> None:
    """`check_iri_form`, and under the base only the record's own IRI."""
    check_iri_form(iri)
    own = f"{base}/datasets/{record_id}"
    if new and under_base(base, iri) and iri != own:
        raise RecordShapeError(
            f"IRI réservée au service : <{iri}>. Un nouveau jeu de données prend une IRI hors "
            f"de {base}, ou {base}/datasets/{{identifiant}} quand cet identifiant est libre, "
            "ou un nœud anonyme (le service lui attribue une IRI).",
            f"IRI reserved for the service: <{iri}>. A new dataset takes an IRI outside "
            f"{base}, or {base}/datasets/{{identifier}} when that identifier is free, or a "
            "blank node (the service mints its IRI).",
            nodes=[f"<{iri}>"],
        )


def scope(outgoing: Mapping[Node, list[tuple[Node, Node]]], node: URIRef,
          prefixes: tuple[str, ...]) -> tuple[list[Triple], list[Dropped]]:
    """The record's triples: the closure of its dataset node, statements about shared
    vocabulary IRIs dropped (their expected ``rdf:type`` kept), with a report line each."""
    graph = closure_triples(lambda n: outgoing.get(n, ()), node, set())
    vocabulary: dict[Node, set[Node]] = {}
    for _s, p, o in graph:
        expected = VOCABULARY_RANGES.get(p)
        if (expected is not None and type(o) is URIRef and o != node
                and "#" not in o and not str(o).startswith(prefixes)):
            vocabulary.setdefault(o, set()).add(expected)
    described = [v for v in vocabulary if v in outgoing]
    if not described:
        return graph, []
    graph = closure_triples(lambda n: outgoing.get(n, ()), node, set(vocabulary))
    dropped = []
    for v in sorted(described, key=str):
        kept = [(v, p, o) for p, o in outgoing[v] if p in _TYPE_ONLY and o in vocabulary[v]]
        graph.extend(kept)
        if len(outgoing[v]) > len(kept):
            dropped.append(Dropped(str(v), len(outgoing[v]) - len(kept)))
    return graph, dropped


def foreign_subjects(triples: Iterable[Triple], iri: str, prefixes: tuple[str, ...],
                     publisher_iri: str | None) -> list[str]:
    """Subjects of the record that are not its own nodes, sorted (checks stop at the first).
    A shared vocabulary IRI that the record only types with the class its property expects
    (all ``scope`` keeps of it) is nobody's: two publishers may both type the same licence or
    media type."""
    triples = list(triples)
    own = (iri, publisher_iri)
    expected: dict[Node, set[Node]] = {}
    for _s, p, o in triples:
        cls = VOCABULARY_RANGES.get(p)
        if cls is not None:
            expected.setdefault(o, set()).add(cls)
    shared_typing = {(s, p, o) for s, p, o in triples
                     if p in _TYPE_ONLY and o in expected.get(s, ())}
    return sorted({str(s) for s, p, o in triples if type(s) is URIRef
                   and str(s) not in own and not str(s).startswith(prefixes)
                   and (s, p, o) not in shared_typing})


def lookup_iris(iri: str, foreign: Iterable[str]) -> set[str]:
    """IRIs whose owners ``check_foreign`` needs: the foreign subjects, the records they may
    sit under (``X`` of ``X#y``) and the dataset IRI itself."""
    out = {iri}
    for subject in foreign:
        out.add(subject)
        out.add(subject.split("#", 1)[0])
    return out


def check_foreign(base: str, iri: str, publisher_id: str, foreign: Iterable[str],
                  record_iris: Container[str], described_by: Mapping[str, set[str]]) -> None:
    """Refuse what the record may not describe (see the module docstring).

    ``record_iris``: which of ``lookup_iris`` are records' dataset IRIs; ``described_by``:
    publisher ids of the records whose graphs have each of them as a subject.
    """
    for subject in foreign:
        bare = subject.split("#", 1)[0]
        if (under_base(base, subject) or subject in record_iris
                or (bare != iri and bare in record_iris)):
            raise RecordShapeError(
                f"Le document décrit <{subject}>, qui appartient à un autre "
                "enregistrement ou éditeur : retirez ces triplets.",
                f"The document describes <{subject}>, which belongs to another record or "
                "publisher: remove those triples.",
                nodes=[f"<{subject}>"],
            )
    for subject in [iri, *foreign]:
        others = sorted(described_by.get(subject, set()) - {publisher_id})
        if others and not under_base(base, subject):
            raise Conflict(
                f"<{subject}> est déjà décrit par un enregistrement de l'éditeur "
                f"« {others[0]} » : un éditeur ne décrit que ses propres ressources.",
                f"<{subject}> is already described by a record of publisher '{others[0]}': "
                "a publisher describes only its own resources.",
                nodes=[f"<{subject}>"], owner=others[0],
            )
