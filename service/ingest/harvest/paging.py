"""Walk a source's pages: parse each one safely, follow Hydra's next link and nothing else.

Both Hydra vocabularies are read: the current one (a ``hydra:PartialCollectionView`` with
``hydra:next``) and the legacy one (a ``hydra:PagedCollection`` with ``hydra:nextPage``), with
the link as an IRI or as a literal (udata's own fixtures use literals). The next page must stay
on the source's scheme, host and port; a page seen before ends the walk (loop guard).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox

from service.errors import SocleError
from service.ingest.harvest import client
from service.ingest.harvest.policy import Policy
from service.ingest.not_dcat import refuse_not_dcat
from service.rdf.formats import RdfSyntax, syntax_for_filename, syntax_for_media_type
from service.rdf.limits import HARVEST_PAGE
from service.rdf.namespaces import HYDRA
from service.rdf.parse import parse_quads
from service.rdf.repair.document import DocumentFixes, parse_repaired

# Next-page predicates, current vocabulary first.
NEXT_PREDICATES = (ox.NamedNode(str(HYDRA.next)), ox.NamedNode(str(HYDRA.nextPage)))
TOTAL_PREDICATES = (ox.NamedNode(str(HYDRA.totalItems)),)
# Content-Types that do not name one RDF syntax: the URL suffix decides first.
GENERIC_TYPES = frozenset({"text/plain", "application/octet-stream", "application/xml",
                           "text/xml", "application/json", "binary/octet-stream"})


class PagingStop(SocleError):
    """The walk stopped early (limit, loop, foreign link): the run is partial."""

    title = "Harvest stopped"
    type_slug = "harvest-stopped"


@dataclass(frozen=True)
class Page:
    number: int
    url: str
    quads: list[ox.Quad]  # as parsed: datasets are cut from them by split.cut
    total_items: int | None
    syntax: str
    # what was repaired in the document before parsing, reported on the records it touches
    # (service/rdf/repair/document.py)
    fixes: DocumentFixes = field(default_factory=DocumentFixes)


def syntax_of(url: str, content_type: str | None) -> RdfSyntax | None:
    media = (content_type or "").split(";")[0].strip().lower()
    by_suffix = syntax_for_filename(urlsplit(url).path)
    if media in GENERIC_TYPES and by_suffix:
        return by_suffix
    return syntax_for_media_type(media) or by_suffix


def next_link(quads: list[ox.Quad], base: str) -> str | None:
    for predicate in NEXT_PREDICATES:
        found = sorted(q.object.value for q in quads if q.predicate == predicate
                       and isinstance(q.object, ox.NamedNode | ox.Literal)
                       and q.object.value.strip())
        if found:
            return urljoin(base, found[0].strip())
    return None


def total_items(quads: list[ox.Quad]) -> int | None:
    for predicate in TOTAL_PREDICATES:
        for q in quads:
            if q.predicate == predicate and isinstance(q.object, ox.Literal):
                try:
                    return int(q.object.value)
                except ValueError:
                    continue
    return None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _over_time(seconds: float, url: str) -> PagingStop:
    return PagingStop(f"Durée maximale de {seconds:g} s dépassée (page {url}).",
                      f"Time limit of {seconds:g} s exceeded (page {url}).", url=url)


def pages(start: str, policy: Policy, clock=time.monotonic) -> Iterator[Page]:
    """The pages of a source in order. Raises FetchError / ParseError / PagingStop."""
    limits = policy.limits
    began = clock()
    deadline = time.monotonic() + limits.max_seconds  # also cuts a page being fetched
    seen: set[str] = set()
    url: str | None = start
    number = 0
    while url is not None:
        if url in seen:
            raise PagingStop(f"Boucle de pagination : la page {url} revient.",
                             f"Paging loop: page {url} comes back.", url=url)
        if number >= limits.max_pages:
            raise PagingStop(f"Limite de {limits.max_pages} pages atteinte.",
                             f"Limit of {limits.max_pages} pages reached.", url=url)
        if clock() - began > limits.max_seconds:
            raise _over_time(limits.max_seconds, url)
        seen.add(url)
        number += 1
        try:
            answer = client.get(url, policy, deadline=deadline)
        except client.FetchError:
            if time.monotonic() >= deadline:
                raise _over_time(limits.max_seconds, url) from None
            raise
        syntax = syntax_of(answer.url, answer.content_type)
        if syntax is None:
            raise PagingStop(
                f"Format RDF inconnu pour {url} (Content-Type {answer.content_type}).",
                f"Unknown RDF format for {url} (Content-Type {answer.content_type}).", url=url)
        refuse_not_dcat(answer.body, url)  # CSW / ISO 19139: say so, not a parser error
        try:
            quads, fixes = _parse_page(answer.body, syntax, answer.url)
        except SocleError as err:
            err.extra.setdefault("url", url)
            raise
        yield Page(number, url, quads, total_items(quads), syntax.name, fixes)
        following = next_link(quads, answer.url)
        if following == url or following == answer.url:  # a last page linking to itself
            following = None
        if following is not None and _origin(following) != _origin(start):
            raise PagingStop(
                f"Page suivante hors de la source, non suivie : {following}.",
                f"Next page outside the source, not followed: {following}.", url=following)
        url = following


def _parse_page(body: bytes, syntax: RdfSyntax, url: str) -> tuple[list[ox.Quad], DocumentFixes]:
    """The page's quads; a document that does not parse is repaired (repair/document.py) and
    parsed again, so a valid document is never rewritten. When the repair changes nothing or
    does not help, the parser's first error is the one reported."""
    try:
        return parse_quads(body, syntax, url, HARVEST_PAGE), DocumentFixes()
    except SocleError:
        again = parse_repaired(body, syntax.name,
                               lambda fixed: parse_quads(fixed, syntax, url, HARVEST_PAGE))
        if again is None:
            raise
        return again
