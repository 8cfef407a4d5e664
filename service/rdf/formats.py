"""The RDF syntaxes Socle reads and writes, as one table: suffix, media types, engine names."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class RdfSyntax:
    name: str
    suffix: str
    media_type: str
    aliases: tuple[str, ...]
    oxigraph: ox.RdfFormat
    label: str

    @property
    def content_type(self) -> str:
        # udata decodes text/turtle without a charset as Latin-1: always say utf-8.
        return f"{self.media_type}; charset=utf-8"


SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax("turtle", "ttl", "text/turtle", ("application/x-turtle",), ox.RdfFormat.TURTLE,
              "Turtle"),
    RdfSyntax("rdfxml", "rdf", "application/rdf+xml", ("application/xml", "text/xml"),
              ox.RdfFormat.RDF_XML, "RDF/XML"),
    RdfSyntax("jsonld", "jsonld", "application/ld+json", ("application/json",),
              ox.RdfFormat.JSON_LD, "JSON-LD"),
    RdfSyntax("ntriples", "nt", "application/n-triples", ("text/plain",),
              ox.RdfFormat.N_TRIPLES, "N-Triples"),
)

BY_NAME = {s.name: s for s in SYNTAXES}
BY_SUFFIX = {s.suffix: s for s in SYNTAXES}
BY_MEDIA_TYPE = {m: s for s in SYNTAXES for m in (s.media_type, *s.aliases)}
# File extensions seen in the wild for the same syntaxes (import from files).
FILE_SUFFIXES = {**BY_SUFFIX, "turtle": BY_SUFFIX["ttl"], "xml": BY_SUFFIX["rdf"],
                 "owl": BY_SUFFIX["rdf"], "json": BY_SUFFIX["jsonld"],
                 "ntriples": BY_SUFFIX["nt"]}
TURTLE = BY_NAME["turtle"]


def syntax_for_media_type(content_type: str | None) -> RdfSyntax | None:
    """The syntax for a Content-Type header value (parameters ignored), or None."""
    if not content_type:
        return None
    return BY_MEDIA_TYPE.get(content_type.split(";")[0].strip().lower())


def syntax_for_filename(name: str) -> RdfSyntax | None:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return FILE_SUFFIXES.get(suffix)
