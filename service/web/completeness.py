"""Completeness of the recommended DCAT-AP fields, per publisher, drawn as an inline SVG.

Which fields: those DCAT-AP 3 recommends for a dataset (and data.europa.eu's metadata quality
indicators look at), at dataset level or on its distributions. One SPARQL query per
publisher counts, for each property, the datasets that have it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal

from service.rdf.namespaces import DCAT, DCTERMS, RECORDS_GRAPH, SOCLE
from service.store import Store

# (key, property, on the distributions?, fr, en)
FIELDS = (
    ("keyword", DCAT.keyword, False, "Mots-clés", "Keywords"),
    ("theme", DCAT.theme, False, "Thème", "Theme"),
    ("contact", DCAT.contactPoint, False, "Contact", "Contact point"),
    ("spatial", DCTERMS.spatial, False, "Couverture géographique", "Spatial coverage"),
    ("temporal", DCTERMS.temporal, False, "Couverture temporelle", "Temporal coverage"),
    ("frequency", DCTERMS.accrualPeriodicity, False, "Fréquence", "Frequency"),
    ("access", DCTERMS.accessRights, False, "Droits d'accès", "Access rights"),
    ("conforms", DCTERMS.conformsTo, False, "Schéma (conformité)", "Schema (conforms to)"),
    ("distribution", DCAT.distribution, False, "Distribution", "Distribution"),
    ("licence", DCTERMS.license, True, "Licence (distribution)", "Licence (distribution)"),
    ("format", DCTERMS.format, True, "Format (distribution)", "Format (distribution)"),
    ("download", DCAT.downloadURL, True, "Lien de téléchargement", "Download URL"),
)


@dataclass(frozen=True)
class Bar:
    key: str
    fr: str
    en: str
    count: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


def completeness(store: Store, publisher_id: str) -> list[Bar]:
    pub = Literal(publisher_id).n3()
    unions = []
    for key, prop, on_dist, _, _ in FIELDS:
        path = f"<{DCAT.distribution}>/<{prop}>" if on_dist else f"<{prop}>"
        unions.append(f'{{ GRAPH ?iri {{ ?iri {path} ?v }} BIND("{key}" AS ?k) }}')
    query = f"""SELECT ?k (COUNT(DISTINCT ?iri) AS ?n) WHERE {{
      GRAPH <{RECORDS_GRAPH}> {{ ?rec <{SOCLE.publisherId}> {pub} ;
                                   <http://xmlns.com/foaf/0.1/primaryTopic> ?iri }}
      {' UNION '.join(unions)} }} GROUP BY ?k"""
    counts = {str(r["k"]): int(r["n"]) for r in store.select(query)}
    total_rows = store.select(f"""SELECT (COUNT(?rec) AS ?n) WHERE {{ GRAPH <{RECORDS_GRAPH}>
        {{ ?rec <{SOCLE.publisherId}> {pub} }} }}""")
    total = int(total_rows[0]["n"]) if total_rows else 0
    return [Bar(key, fr, en, counts.get(key, 0), total) for key, _, _, fr, en in FIELDS]


def svg(bars: list[Bar], lang: str, title: str) -> str:
    """Horizontal bars, one per field; colours meet WCAG AA contrast on white."""
    row, label_w, bar_w = 26, 230, 300
    height = row * len(bars) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="cmp-t" '
             f'width="{label_w + bar_w + 60}" height="{height}" '
             f'viewBox="0 0 {label_w + bar_w + 60} {height}" class="chart">',
             f'<title id="cmp-t">{_esc(title)}</title>']
    for i, b in enumerate(bars):
        y = 5 + i * row
        width = round(bar_w * b.percent / 100)
        colour = "#18753c" if b.percent >= 80 else "#b34000" if b.percent < 50 else "#000091"
        name = b.en if lang == "en" else b.fr
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" '
                     f'font-size="13" fill="#1e1e1e">{_esc(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="18" '
                     f'fill="#eeeeee"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="18" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 16}" font-size="13" '
                     f'fill="#1e1e1e">{b.percent} %</text>')
    parts.append("</svg>")
    return "".join(parts)


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
