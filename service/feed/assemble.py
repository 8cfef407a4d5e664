"""A feed page's records from their stored profile output (service/derived/profiled.py): the
N-Triples lines of the page are the records' stored lines, then the union of their stored
enrichments, with what only the whole page decides applied here:

- duplicates removed (records share nodes: a publisher, a contact point), except in Turtle
  blocks (a repeated statement is still the same graph). A record's *own* lines (about its
  IRI and the nodes under ``IRI#``) are sent as stored, unread: a record describes only
  itself (service/catalog/ownership.py refuses a record describing another record's IRI or
  a node under it), so no other record's stored lines repeat them, and the lines of one
  record are stored once each. Only the *shared* lines and the enrichment are compared;
  the enrichment, made per record, may still say what a record of the page says of its
  own nodes, and is checked against those;
- the enrichment does not label an IRI a record of the page labels itself (enrich.enrichment
  looks at the whole page);
- links to resources described nowhere in the feed served as ``dct:relation``
  (references.relink_dangling), for the few records that have candidates;
- the record IRIs typed ``dcat:DataService`` anywhere on the page (the catalogue lists them
  under ``dcat:service``).

Everything stays UTF-8 bytes as read from SQLite: a page is ~1 MB of N-Triples, sent as it
is stored. tests/derived/test_profiled_pages.py checks that a page assembled so is, as a
graph, the page the profile gives on the records' triples, in every stored profile and
syntax, and that no N-Triples line repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

from service.feed.references import DESCRIBED_LINKS, RELATION
from service.rdf.profiles.enrich import PREF_LABEL

_LINKS = frozenset(f"<{p.value}>".encode() for p in DESCRIBED_LINKS)
_RELATION = f"<{RELATION.value}>".encode()
_LABEL = f"<{PREF_LABEL.value}>"


class Stored(NamedTuple):
    """One record's stored output in one profile (a profiled_records row, see profiled.py);
    a tuple: a page makes a hundred of them per request."""

    iri: str  # the record's dataset IRI: its own lines are about it and the nodes under IRI#
    services: str
    links: str
    labelled: str
    extra: bytes
    solo_subjects: str  # the subjects of `solo`, one per line ("" when read for Turtle)
    shared_subjects: str  # the subjects of `shared`
    shared: bytes  # b"" when the page was read for Turtle (FeedIndex.page)
    solo: bytes  # lines about nodes probably this record's alone (profiled.row); b"" for Turtle
    own: bytes  # b"" when read for Turtle
    turtle: bytes  # b"" when read for the other syntaxes


@dataclass(frozen=True)
class Assembled:
    stored: Sequence[Stored]
    moved: frozenset[bytes]  # objects of described links relinked, as ``<iri> .``
    enrichment: list[bytes]  # distinct lines (newline included), none labelling what a record
    # labels; may still repeat a record line (ntriples drops those)
    services: frozenset[str]

    @property
    def turtle(self) -> bytes:
        """The records' Turtle blocks (no header), when read for Turtle."""
        return b"".join(s.turtle for s in self.stored)

    def ntriples(self, head: bytes = b"") -> bytes:
        """The page's N-Triples: ``head`` (the catalogue and Hydra lines), then the
        records' own lines, then their solo lines, then their shared lines not in ``head``
        and not repeated, then the enrichment's lines not seen before. Line order carries no
        meaning in N-Triples. The solo lines are sent unread when no solo subject is on two
        records, among the shared subjects or in ``head`` (`_solo_apart`); else they are
        de-duplicated with the shared lines. The shared lines are de-duplicated by one
        ``dict.fromkeys`` over the page (in C: a Python loop over the lines cost a fifth of
        the page)."""
        owns: list[bytes] = []
        solos: list[bytes] = []
        shared: list[bytes] = []
        owners: dict[str, Stored] = {}
        for s in self.stored:
            own, solo, lines = s.own, s.solo, s.shared
            if self.moved and s.links:
                own, solo, lines = (_relinked(own, self.moved), _relinked(solo, self.moved),
                                    _relinked(lines, self.moved))
            owns.append(own)
            solos.append(solo)
            shared.append(lines)
            owners[s.iri] = s
        head_lines = head.split(b"\n")
        apart = _solo_apart(self.stored, head_lines)
        if apart is None:  # the guess failed on this page: every non-own line compared
            shared = solos + shared
            solos = []
        unique = dict.fromkeys(chain.from_iterable(block.split(b"\n") for block in shared))
        for line in head_lines:  # b"" among them: the splits' empty pieces
            unique.pop(line, None)
        unique.pop(b"", None)
        chunks = [head, *owns, *solos]
        if unique:
            chunks += [b"\n".join(unique), b"\n"]
        seen: set[bytes] | None = None
        block_lines: dict[int, set[bytes]] = {}
        for line in self.enrichment:
            if seen is None:
                seen = unique.keys() | head_lines
            key = line[:-1]
            if key in seen:
                continue
            subject = _subject(line)
            owner = _owner(subject, owners)
            block = owner.own if owner is not None else None
            if block is None and apart:
                solo_owner = apart.get(subject)
                block = solo_owner.solo if solo_owner is not None else None
            if block:  # about a record's own or solo node: compare with its lines there
                lines_of = block_lines.get(id(block))
                if lines_of is None:
                    lines_of = block_lines[id(block)] = set(_split(block))
                if line in lines_of:
                    continue
            seen.add(key)
            chunks.append(line)
        return b"".join(chunks)


def _solo_apart(stored: Sequence[Stored], head_lines: list[bytes]) -> dict[str, Stored] | None:
    """Solo subject -> its record when the page's solo lines can be sent unread: no subject
    is solo on two records, shared on any or in the head; else None. Set operations on the
    stored subject lists (a few per record), not on the lines."""
    named = [s.solo_subjects for s in stored if s.solo_subjects]
    if not named:
        return {}
    subjects = "\n".join(named).split("\n")
    distinct = set(subjects)
    if len(distinct) != len(subjects):
        return None
    shared = "\n".join(s.shared_subjects for s in stored if s.shared_subjects)
    if shared and not distinct.isdisjoint(shared.split("\n")):
        return None
    if not distinct.isdisjoint(_subject(line) for line in head_lines if line):
        return None
    return {subject: s for s in stored if s.solo_subjects
            for subject in s.solo_subjects.split("\n")}


def _subject(line: bytes) -> str:
    end = line.find(b"> ")
    return line[1:end].decode("utf-8") if line.startswith(b"<") and end > 0 else ""


def _owner(subject: str, owners: dict[str, Stored]) -> Stored | None:
    """The record whose own node ``subject`` is: its IRI, or under its ``IRI#``."""
    found = owners.get(subject)
    at = subject.find("#")
    while found is None and at >= 0:
        found = owners.get(subject[:at])
        at = subject.find("#", at + 1)
    return found


def _split(block: bytes) -> list[bytes]:
    """The lines of a stored block, newline included."""
    return [line + b"\n" for line in block.split(b"\n") if line]


def assemble(stored: Sequence[Stored], in_feed: Callable[[set[str]], set[str]]) -> Assembled:
    extra = [line + b"\n" for line in dict.fromkeys(
        chain.from_iterable(s.extra.split(b"\n") for s in stored)) if line]
    labelled = {iri for s in stored if s.labelled for iri in s.labelled.split("\n")}
    if labelled:
        heads = tuple(f"<{iri}> {_LABEL} ".encode() for iri in labelled)
        extra = [line for line in extra if not line.startswith(heads)]
    candidates = {iri for s in stored if s.links for iri in s.links.split("\n")}
    moved = _moved(stored, extra, candidates, in_feed) if candidates else frozenset()
    services = frozenset(iri for s in stored if s.services for iri in s.services.split("\n"))
    return Assembled(stored, moved, extra, services)


def _moved(stored: Sequence[Stored], extra: list[bytes], candidates: set[str],
           in_feed: Callable[[set[str]], set[str]]) -> frozenset[bytes]:
    """The candidates no line of the page describes and no record of the feed is."""
    page = b"\n" + b"\n".join([*(s.own for s in stored), *(s.solo for s in stored),
                                *(s.shared for s in stored), *extra])
    dangling = {iri for iri in candidates if f"\n<{iri}> ".encode() not in page}
    if not dangling:
        return frozenset()
    return frozenset(f"<{iri}> .".encode() for iri in dangling - in_feed(dangling))


def _relinked(block: bytes, moved: frozenset[bytes]) -> bytes:
    """The block's lines with the described links to ``moved`` objects as dct:relation (own
    lines stay distinct: a relinked line may repeat one the record has)."""
    out: dict[bytes, None] = {}
    for line in block.split(b"\n"):
        if not line:
            continue
        parts = line.split(b" ", 2)
        if len(parts) == 3 and parts[1] in _LINKS and parts[2] in moved:
            line = b" ".join((parts[0], _RELATION, parts[2]))
        out[line + b"\n"] = None
    return b"".join(out)
