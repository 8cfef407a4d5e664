"""Example queries shown on the query page, in the page's language (their titles, and the
literals a query writes into its results); they run on the demo catalogue and
tests/web/test_sparql_examples.py runs them."""

from service.rdf.namespaces import PREFIXES

_USED = ("rdf", "rdfs", "dcat", "dct", "foaf", "skos", "xsd", "vcard")
PREFIX_BLOCK = "\n".join(f"PREFIX {p}: <{PREFIXES[p]}>" for p in _USED)

_EXAMPLES = [
    ("Jeux de données par thème", "Datasets per theme", """
SELECT ?theme (COUNT(DISTINCT ?dataset) AS ?datasets) WHERE {
  ?dataset a dcat:Dataset ; dcat:theme ?theme .
}
GROUP BY ?theme
ORDER BY DESC(?datasets)"""),
    ("Jeux de données d'un éditeur", "A publisher's datasets", """
SELECT ?dataset ?title ?distribution ?format WHERE {
  ?publisher foaf:name ?name .
  FILTER(CONTAINS(LCASE(STR(?name)), "montfort"))
  ?dataset a dcat:Dataset ; dct:publisher ?publisher ; dct:title ?title .
  OPTIONAL { ?dataset dcat:distribution ?distribution .
             OPTIONAL { ?distribution dct:format ?format } }
}
ORDER BY ?title"""),
    ("Modifiés récemment", "Recently modified", """
SELECT ?dataset ?title ?modified WHERE {
  ?dataset a dcat:Dataset ; dct:title ?title ; dct:modified ?modified .
}
ORDER BY DESC(?modified)
LIMIT 20"""),
    ("Distributions par format", "Distributions by format", """
SELECT ?format (COUNT(?distribution) AS ?distributions) WHERE {
  ?dataset dcat:distribution ?distribution .
  OPTIONAL { ?distribution dct:format ?f }
  BIND(COALESCE(?f, "{no_format}") AS ?format)
}
GROUP BY ?format
ORDER BY DESC(?distributions)"""),
    ("Jeux de données sans licence", "Datasets without licence", """
SELECT ?dataset ?title WHERE {
  ?dataset a dcat:Dataset ; dct:title ?title .
  FILTER NOT EXISTS { ?dataset dct:license ?l }
  FILTER NOT EXISTS { ?dataset dcat:distribution/dct:license ?l2 }
}
ORDER BY ?title"""),
    ("Recherche dans les titres", "Title search", """
SELECT ?dataset ?title WHERE {
  ?dataset a dcat:Dataset ; dct:title ?title .
  FILTER(CONTAINS(LCASE(STR(?title)), "budget"))
}"""),
]

# Literals an example writes into its results, per language.
_WORDS = {"fr": {"no_format": "(sans format)"}, "en": {"no_format": "(no format)"}}


def examples(lang: str) -> list[dict[str, str]]:
    """The examples for a page in `lang` ("fr" or "en"; anything else is French)."""
    english = lang == "en"
    words = _WORDS["en" if english else "fr"]
    out = []
    for fr, en, body in _EXAMPLES:
        query = body.strip().replace("{no_format}", words["no_format"])
        out.append({"title": en if english else fr, "query": f"{PREFIX_BLOCK}\n{query}\n"})
    return out
