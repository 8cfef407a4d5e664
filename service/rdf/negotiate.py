"""Content negotiation shared by every RDF resource: a format suffix wins over Accept."""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from service.errors import NotAcceptable
from service.rdf.formats import BY_MEDIA_TYPE, BY_SUFFIX, SYNTAXES, TURTLE, RdfSyntax

HTML = "html"
_OFFERS = ["text/turtle", "text/html", *[m for m in BY_MEDIA_TYPE if m != "text/turtle"]]


def split_suffix(name: str) -> tuple[str, RdfSyntax | None]:
    """'budget-2024.ttl' → ('budget-2024', Turtle); unknown or no suffix → (name, None)."""
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in BY_SUFFIX:
        return stem, BY_SUFFIX[suffix]
    return name, None


def choose(accept: MIMEAccept, suffix_syntax: RdfSyntax | None,
           html: bool = True) -> RdfSyntax | str:
    """The syntax to answer with, or HTML; 406 when Accept rules every offer out."""
    if suffix_syntax is not None:
        return suffix_syntax
    if not accept or accept.best in (None, "*/*"):
        return TURTLE
    offers = _OFFERS if html else [o for o in _OFFERS if o != "text/html"]
    best = accept.best_match(offers)
    if best is None:
        raise NotAcceptable(
            "Formats disponibles : " + ", ".join(s.media_type for s in SYNTAXES)
            + (", text/html" if html else ""),
            "Available formats: " + ", ".join(s.media_type for s in SYNTAXES)
            + (", text/html" if html else ""),
        )
    return HTML if best == "text/html" else BY_MEDIA_TYPE[best]
