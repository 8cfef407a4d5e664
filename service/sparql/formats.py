"""Result formats of the endpoint: media types, `format=` short names, negotiation order.

Pure data (no Flask, no pyoxigraph objects) so that the query workers can import it cheaply.
"""

from __future__ import annotations

# key: (media type sent, other media types accepted for it, short names for ?format=)
RESULTS = {
    "json": ("application/sparql-results+json", ("application/json",), ("json", "srj")),
    "xml": ("application/sparql-results+xml", ("application/xml", "text/xml"), ("xml", "srx")),
    "csv": ("text/csv", (), ("csv",)),
    "tsv": ("text/tab-separated-values", (), ("tsv",)),
}
GRAPHS = {
    "turtle": ("text/turtle", ("application/x-turtle",), ("ttl", "turtle")),
    "ntriples": ("application/n-triples", ("text/plain",), ("nt", "ntriples")),
    "rdfxml": ("application/rdf+xml", ("application/xml", "text/xml"), ("rdf", "rdfxml", "xml")),
    "jsonld": ("application/ld+json", ("application/json",), ("jsonld", "json")),
}


def table(form: str) -> dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return RESULTS if form in ("SELECT", "ASK") else GRAPHS


def offers(form: str) -> list[tuple[str, str]]:
    """(media type, key) pairs in the server's order of preference (first = default)."""
    pairs = []
    for key, (main, _others, _) in table(form).items():
        pairs.append((main, key))
    for key, (_, others, _) in table(form).items():
        pairs.extend((other, key) for other in others)
    return pairs


def by_short_name(form: str, name: str) -> str | None:
    for key, (_, _, names) in table(form).items():
        if name.lower() in names:
            return key
    return None


def media_type(key: str) -> str:
    entry = RESULTS.get(key) or GRAPHS[key]
    media = entry[0]
    if media.startswith("text/") or media.endswith("json") or media.endswith("xml"):
        return f"{media}; charset=utf-8"
    return media


def extension(key: str) -> str:
    return {"json": "srj", "xml": "srx", "csv": "csv", "tsv": "tsv", "turtle": "ttl",
            "ntriples": "nt", "rdfxml": "rdf", "jsonld": "jsonld"}[key]
