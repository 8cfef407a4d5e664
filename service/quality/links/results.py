"""Link check results, one subject per URL in the system graph `urn:socle:graph:links`.

Kept in the store rather than in the data directory so that every app process over an
external store sees the same results. Each result says what the URL answered at its last
check (status, final URL after redirects, content type and length seen) and since when it
has been broken, which curators read as « lien cassé depuis le … ».
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from service.rdf.namespaces import SOCLE, XSD
from service.store import PutSubject, Store

LINKS_GRAPH = "urn:socle:graph:links"
_P = {name: ox.NamedNode(f"{SOCLE}link{name[0].upper()}{name[1:]}") for name in (
    "url", "status", "ok", "checkedAt", "brokenSince", "finalUrl", "contentType",
    "contentLength", "error")}
_DATETIME = ox.NamedNode(str(XSD.dateTime))
_INTEGER = ox.NamedNode(str(XSD.integer))
_BOOLEAN = ox.NamedNode(str(XSD.boolean))


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool | None  # None: not checked (robots.txt forbids it)
    checked_at: str
    status: int | None = None  # None: no HTTP answer (refused, timeout, DNS…): see error
    final_url: str | None = None  # where redirects led, when elsewhere
    content_type: str | None = None
    content_length: int | None = None
    error: str | None = None
    broken_since: str | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def node(url: str) -> str:
    return "urn:socle:link:" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def change(result: LinkResult) -> PutSubject:
    subject = ox.NamedNode(node(result.url))
    values = {
        "url": ox.Literal(result.url),
        "ok": (ox.Literal("true" if result.ok else "false", datatype=_BOOLEAN)
               if result.ok is not None else None),
        "checkedAt": ox.Literal(result.checked_at, datatype=_DATETIME),
        "status": (ox.Literal(str(result.status), datatype=_INTEGER)
                   if result.status is not None else None),
        "brokenSince": (ox.Literal(result.broken_since, datatype=_DATETIME)
                        if result.broken_since else None),
        "finalUrl": ox.Literal(result.final_url) if result.final_url else None,
        "contentType": ox.Literal(result.content_type) if result.content_type else None,
        "contentLength": (ox.Literal(str(result.content_length), datatype=_INTEGER)
                          if result.content_length is not None else None),
        "error": ox.Literal(result.error) if result.error else None,
    }
    triples: list[Any] = [(subject, _P[k], v) for k, v in values.items() if v is not None]
    return PutSubject(LINKS_GRAPH, subject.value, triples)


def save(store: Store, results: Iterable[LinkResult], batch: int = 500) -> None:
    """Write results, many per transaction."""
    pending: list[PutSubject] = []
    for result in results:
        pending.append(change(result))
        if len(pending) >= batch:
            store.apply(pending)
            pending = []
    if pending:
        store.apply(pending)


_SELECT = f"""PREFIX s: <{SOCLE}>
SELECT ?url ?ok ?at ?status ?since ?final ?type ?length ?error WHERE {{ GRAPH <{LINKS_GRAPH}> {{
  %s
  ?n s:linkUrl ?url ; s:linkCheckedAt ?at .
  OPTIONAL {{ ?n s:linkOk ?ok }} OPTIONAL {{ ?n s:linkStatus ?status }}
  OPTIONAL {{ ?n s:linkBrokenSince ?since }}
  OPTIONAL {{ ?n s:linkFinalUrl ?final }} OPTIONAL {{ ?n s:linkContentType ?type }}
  OPTIONAL {{ ?n s:linkContentLength ?length }} OPTIONAL {{ ?n s:linkError ?error }} }} }}"""


def load(store: Store, urls: Iterable[str] | None = None) -> dict[str, LinkResult]:
    """Results by URL: of the URLs given, or all of them."""
    if urls is not None:
        urls = sorted(set(urls))
        if not urls:
            return {}
        where = "VALUES ?n { " + " ".join(f"<{node(u)}>" for u in urls) + " }"
    else:
        where = ""
    out = {}
    for row in store.rows(_SELECT % where):
        def text(key: str, r: dict = row) -> str | None:
            return r.get(key)

        status, length = text("status"), text("length")
        out[str(row["url"])] = LinkResult(
            url=str(row["url"]), ok=None if "ok" not in row else str(row["ok"]) in ("true", "1"),
            checked_at=str(row["at"]),
            status=int(status) if status else None, final_url=text("final"),
            content_type=text("type"), content_length=int(length) if length else None,
            error=text("error"), broken_since=text("since"))
    return out
