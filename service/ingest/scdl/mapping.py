"""One checked SCDL catalogue row → one DCAT-AP 3 dataset (docs/scdl.md has the table).

Pure: no store, no I/O besides the lazily loaded value tables and territory registry. What
DCAT-AP cannot say (the SCDL theme text, the spatial granularity, the catalogue's SIRET) is
kept under `socle:` so that export gives the row back (import → export → import is stable).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, URIRef

from service.catalog.publishers import LOCAL_AUTHORITY
from service.ingest.scdl.tables import DATA_THEME, FILE_TYPE, fold, tables
from service.rdf.namespaces import DCAT, DCTERMS, FOAF, SKOS, SOCLE

# SCDL COUV_SPAT_MAILLE → the registry kinds a COUV_SPAT_NOM of that granularity may name.
GRANULARITY_KINDS: dict[str, tuple[str, ...]] = {
    "Infracommunale": ("ARM", "COMD", "COMA", "COM"),
    "Communale": ("COM", "ARM", "COMD", "COMA"),
    "Intercommunale": ("EPCI",),
    "Départementale": ("DEP",),
    "Régionale": ("REG",),
}
# Characters an IRI may not contain (RFC 3987); a URL cell with them is refused, not escaped.
BAD_IRI = re.compile(r'[\s<>"{}|\\^`]')


@dataclass(frozen=True)
class RowProblem:
    """A cell the schema accepts but that cannot be mapped (bilingual, for the report)."""

    column: str
    message_fr: str
    message_en: str


@dataclass
class Mapped:
    graph: Graph
    root: BNode
    problems: list[RowProblem] = field(default_factory=list)


def split_list(value: str) -> list[str]:
    """SCDL lists are `;`-separated; blanks and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for part in value.split(";"):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def _date(value: str) -> Literal:
    return Literal(value.strip(), datatype=XSD.date)


# Simple columns: SCDL column → (property, how the cell becomes a term).
LITERALS: dict[str, tuple[URIRef, Callable[[str], Literal]]] = {
    "ID": (DCTERMS.identifier, lambda v: Literal(v.strip())),
    "TITRE": (DCTERMS.title, lambda v: Literal(v.strip(), lang="fr")),
    "DESCRIPTION": (DCTERMS.description, lambda v: Literal(v.strip(), lang="fr")),
    "DATE_PUBL": (DCTERMS.issued, _date),
    "DATE_MAJ": (DCTERMS.modified, _date),
}


def row_to_dataset(row: dict[str, str]) -> Mapped:
    """The dataset a row describes (a blank node root: the record service mints its IRI)."""
    g = Graph()
    ds = BNode()
    out = Mapped(g, ds)
    g.add((ds, RDF.type, DCAT.Dataset))
    for column, (prop, term) in LITERALS.items():
        if row.get(column, "").strip():
            g.add((ds, prop, term(row[column])))
    for step in (_landing_page, _frequency, _theme, _keywords, _creator, _spatial, _temporal,
                 _catalogue_siret, _distributions):
        step(row, g, ds, out.problems)
    return out


def _iri(row: dict[str, str], column: str, problems: list[RowProblem]) -> URIRef | None:
    value = row.get(column, "").strip()
    if not value:
        return None
    if BAD_IRI.search(value):
        problems.append(RowProblem(
            column, f"« {value} » contient des caractères interdits dans une URL (espace, <, >…)",
            f"'{value}' has characters not allowed in a URL (space, <, >…)"))
        return None
    return URIRef(value)


def _landing_page(row, g: Graph, ds, problems) -> None:
    url = _iri(row, "URL", problems)
    if url is not None:
        g.add((ds, DCAT.landingPage, url))
        g.add((url, RDF.type, FOAF.Document))


def _frequency(row, g: Graph, ds, problems) -> None:
    iri = tables().target("FREQ_MAJ", row.get("FREQ_MAJ", ""))
    if iri:
        g.add((ds, DCTERMS.accrualPeriodicity, URIRef(iri)))


def _theme(row, g: Graph, ds, problems) -> None:
    for theme in split_list(row.get("THEME", "")):
        g.add((ds, SOCLE.scdlTheme, Literal(theme, lang="fr")))
        g.add((ds, DCAT.keyword, Literal(theme, lang="fr")))
        code = tables().target("THEME", theme)
        if code:
            g.add((ds, DCAT.theme, URIRef(DATA_THEME + code)))


def _keywords(row, g: Graph, ds, problems) -> None:
    for word in split_list(row.get("MOTS_CLES", "")):
        g.add((ds, DCAT.keyword, Literal(word, lang="fr")))


def _creator(row, g: Graph, ds, problems) -> None:
    name, siret = row.get("PRODUCTEUR_NOM", "").strip(), row.get("PRODUCTEUR_SIRET", "").strip()
    if not (name or siret):
        return
    agent = BNode()
    g.add((ds, DCTERMS.creator, agent))
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, RDF.type, FOAF.Organization))
    if name:
        g.add((agent, FOAF.name, Literal(name, lang="fr")))
    if siret:
        g.add((agent, DCTERMS.identifier, Literal(siret)))
        from service.territories.registry import registry

        if registry().by_siren.get(siret[:9]) is not None:  # a commune, EPCI…
            g.add((agent, DCTERMS.type, LOCAL_AUTHORITY))


def _spatial(row, g: Graph, ds, problems) -> None:
    from service.territories.resolve import resolve

    granularity = row.get("COUV_SPAT_MAILLE", "").strip()
    if granularity:
        g.add((ds, SOCLE.spatialGranularity, Literal(granularity)))
    name = row.get("COUV_SPAT_NOM", "").strip()
    if not name:
        return
    kinds = GRANULARITY_KINDS.get(granularity)
    found = resolve(name)
    hits = [t for t in found.candidates if kinds is None or t.kind in kinds]
    if len(hits) == 1 or (found.territory is not None and found.territory in hits):
        place = found.territory if found.territory in hits else hits[0]
        g.add((ds, DCTERMS.spatial, URIRef(place.iri)))
        g.add((URIRef(place.iri), RDF.type, DCTERMS.Location))
        return
    # Not one INSEE territory: keep the name as a described place (a warning, not a failure).
    loc = BNode()
    g.add((ds, DCTERMS.spatial, loc))
    g.add((loc, RDF.type, DCTERMS.Location))
    g.add((loc, SKOS.prefLabel, Literal(name, lang="fr")))


def _temporal(row, g: Graph, ds, problems) -> None:
    start, end = row.get("COUV_TEMP_DEBUT", "").strip(), row.get("COUV_TEMP_FIN", "").strip()
    if not (start or end):
        return
    if start and end and end < start:
        problems.append(RowProblem(
            "COUV_TEMP_FIN", f"la fin de la couverture temporelle ({end}) précède son début "
            f"({start})", f"the temporal coverage ends ({end}) before it starts ({start})"))
        return
    period = BNode()
    g.add((ds, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if start:
        g.add((period, DCAT.startDate, _date(start)))
    if end:
        g.add((period, DCAT.endDate, _date(end)))


def _catalogue_siret(row, g: Graph, ds, problems) -> None:
    siret = row.get("COLL_SIRET", "").strip()
    if siret:
        g.add((ds, SOCLE.catalogueSiret, Literal(siret)))


def _licence(row, g: Graph) -> URIRef | BNode | None:
    value = row.get("LICENCE", "").strip()
    if not value:
        return None
    iri = tables().target("LICENCE", value)
    if iri:
        return URIRef(iri)
    other = BNode()  # « Spécifique ou autre »: a licence document known by its label only
    g.add((other, RDF.type, DCTERMS.LicenseDocument))
    g.add((other, RDFS.label, Literal(value, lang="fr")))
    return other


def _format(g: Graph, code: str) -> URIRef | BNode:
    known = tables().target("FORMAT_RESSOURCES", code)
    if known:
        return URIRef(FILE_TYPE + known)
    other = BNode()
    g.add((other, RDF.type, DCTERMS.MediaTypeOrExtent))
    g.add((other, RDFS.label, Literal(code)))
    return other


def _distributions(row, g: Graph, ds, problems) -> None:
    """One distribution per format, then format-less ones up to NOMBRE_RESSOURCES; each
    gives access through the dataset's URL (SCDL has no per-resource links)."""
    formats = split_list(row.get("FORMAT_RESSOURCES", "").lower())
    try:
        count = int(row.get("NOMBRE_RESSOURCES", "").strip() or 0)
    except ValueError:
        count = 0
    if formats and count and count < len(formats):
        problems.append(RowProblem(
            "NOMBRE_RESSOURCES",
            f"{count} ressource(s) annoncée(s) pour {len(formats)} formats : une distribution "
            "par format est créée", f"{count} resource(s) stated for {len(formats)} formats: "
            "one distribution per format is created"))
    url = URIRef(row["URL"].strip()) if row.get("URL", "").strip() and not BAD_IRI.search(
        row["URL"].strip()) else None
    licence = _licence(row, g)
    title = row.get("TITRE", "").strip()
    for i in range(max(count, len(formats))):
        dist = BNode()
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        if i < len(formats):
            g.add((dist, DCTERMS.format, _format(g, formats[i])))
            label = f"{title} ({formats[i].upper()})"
        else:
            label = f"{title} — ressource {i + 1}"
        g.add((dist, DCTERMS.title, Literal(label, lang="fr")))
        if url is not None:
            g.add((dist, DCAT.accessURL, url))
        if licence is not None:
            g.add((dist, DCTERMS.license, licence))


def format_code(term: URIRef, label: str | None) -> str:
    """The SCDL spelling of a distribution format (`csv`, `geojson`), for export."""
    if str(term).startswith(FILE_TYPE):
        return str(term)[len(FILE_TYPE):].lower()
    return fold(label or str(term))
