"""A feed page's records from their stored profile output (service/derived/profiled.py): the
N-Triples lines of the page are the records' stored lines, then the union of their stored
enrichments, with what only the whole page decides applied here:

- duplicates removed (records share nodes: a publisher, a contact point), except in Turtle
  blocks (a repeated statement is still the same graph);
- the enrichment does not label an IRI a record of the page labels itself (enrich.enrichment
  looks at the whole page);
- links to resources described nowhere in the feed served as ``dct:relation``
  (references.relink_dangling), for the few records that have candidates;
- the record IRIs typed ``dcat:DataService`` anywhere on the page (the catalogue lists them
  under ``dcat:service``).

tests/derived/test_profiled_pages.py checks that a page assembled so is, as a graph, the page
the profile gives on the records' triples, in every stored profile and syntax.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.feed.references import DESCRIBED_LINKS, RELATION
from service.rdf.profiles.enrich import PREF_LABEL

_LINKS = frozenset(f"<{p.value}>" for p in DESCRIBED_LINKS)
_RELATION = f"<{RELATION.value}>"
_LABEL = f"<{PREF_LABEL.value}>"


@dataclass(frozen=True)
class Stored:
    """One record's stored output in one profile (a profiled_records row)."""

    lines: str  # "" when the page was read for Turtle (FeedIndex.page)
    turtle: str  # "" when read for the other syntaxes
    extra: str
    labelled: str
    links: str
    services: str


@dataclass(frozen=True)
class Assembled:
    records: dict[str, None]  # distinct N-Triples lines, " ." included, no newline, in order
    enrichment: list[str]  # distinct, none of them a record line
    services: frozenset[str]
    turtle: str  # the records' Turtle blocks (no header), when read for Turtle

    def text(self, head: str = "") -> str:
        """The page's N-Triples: ``head`` (the catalogue and Hydra lines), then the records'
        lines and the enrichment's, none repeated."""
        records, extra = self.records, self.enrichment
        if head:
            seen = head.split("\n")
            records = records.copy()
            for line in seen:
                records.pop(line, None)
            heads = set(seen)
            extra = [line for line in extra if line not in heads]
        return head + "\n".join(records) + "\n" + "".join(line + "\n" for line in extra)


def _lines(texts: Sequence[str]) -> dict[str, None]:
    """The distinct lines of these texts (each ends with a newline), in order."""
    lines = dict.fromkeys("".join(texts).split("\n"))
    lines.pop("", None)
    return lines


def assemble(stored: Sequence[Stored], in_feed: Callable[[set[str]], set[str]]) -> Assembled:
    records = _lines([s.lines for s in stored])
    extra = list(_lines([s.extra for s in stored]))
    labelled = {iri for s in stored if s.labelled for iri in s.labelled.split("\n")}
    if labelled:
        heads = tuple(f"<{iri}> {_LABEL} " for iri in labelled)
        extra = [line for line in extra if not line.startswith(heads)]
    candidates = {iri for s in stored if s.links for iri in s.links.split("\n")}
    if candidates:
        records = dict.fromkeys(_relink(list(records), extra, candidates, in_feed))
    extra = [line for line in extra if line not in records]  # another record has it
    services = frozenset(iri for s in stored if s.services for iri in s.services.split("\n"))
    turtle = "".join(s.turtle for s in stored)
    return Assembled(records, extra, services, turtle)


def _relink(records: list[str], extra: list[str], candidates: set[str],
            in_feed: Callable[[set[str]], set[str]]) -> list[str]:
    subjects = {line.split(" ", 1)[0] for line in records}
    subjects.update(line.split(" ", 1)[0] for line in extra)
    dangling = {iri for iri in candidates if f"<{iri}>" not in subjects}
    if not dangling:
        return records
    moved = {f"<{iri}> ." for iri in dangling - in_feed(dangling)}
    if not moved:
        return records
    out = []
    for line in records:
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in _LINKS and parts[2] in moved:
            line = f"{parts[0]} {_RELATION} {parts[2]}"
        out.append(line)
    return out
