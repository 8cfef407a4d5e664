"""Writers of the SCDL mapping: each puts one row's cells into a dataset graph.

Used through the column table in mapping.py (``COLUMNS``); each writer takes the graph, the
dataset node and the row's (stripped) cells, and adds what DCAT-AP 3 says for its column(s).
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from service.errors import SocleError
from service.ingest.scdl.tables import table
from service.rdf.namespaces import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD
from service.territories import resolve

# The role of the catalogue's collectivité (COLL_*) in its prov:qualifiedAttribution.
PUBLISHER_ROLE = URIRef("http://inspire.ec.europa.eu/metadata-codelist/ResponsiblePartyRole/"
                        "publisher")
# COUV_SPAT_MAILLE ↔ territory kinds of the registry (service.territories).
MAILLE_KINDS = {"Communale": ("COM",), "Intercommunale": ("EPCI",),
                "Départementale": ("DEP",), "Régionale": ("REG",),
                "Infracommunale": ("ARM", "COMD", "COMA")}
# Characters an IRI cannot hold (RDF 1.1 IRIREF); the Table Schema's "uri" format lets them by.
NOT_IN_IRI = re.compile(r'[<>"{}|\\^`\s]')


class MappingError(SocleError):
    """A checked cell that still cannot become RDF (reported on its line and column)."""

    status = 422
    title = "Unmappable cell"

    def __init__(self, column: str, value: str, detail_fr: str, detail_en: str) -> None:
        super().__init__(detail_fr, detail_en, column=column, value=value)
        self.column = column


def _agent(g: Graph, ds: Node, row: dict[str, str], prefix: str, role: bool) -> None:
    name, siret = row.get(f"{prefix}_NOM", ""), row.get(f"{prefix}_SIRET", "")
    if not (name or siret):
        return
    agent = BNode()
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, RDF.type, FOAF.Organization))
    if name:
        g.add((agent, FOAF.name, Literal(name)))
    if siret:
        g.add((agent, DCTERMS.identifier, Literal(siret)))
    if role:  # the collectivité publishing the catalogue: a qualified attribution
        attribution = BNode()
        g.add((ds, PROV.qualifiedAttribution, attribution))
        g.add((attribution, RDF.type, PROV.Attribution))
        g.add((attribution, DCAT.hadRole, PUBLISHER_ROLE))
        g.add((attribution, PROV.agent, agent))
    else:
        g.add((ds, DCTERMS.creator, agent))


def _iri(row: dict[str, str], column: str) -> URIRef:
    value = row[column]
    bad = NOT_IN_IRI.search(value)
    if bad:
        raise MappingError(column, value,
                           f"« {value} » n'est pas une adresse web utilisable (caractère "
                           f"« {bad.group()} » interdit : encodez-le, par ex. %7B pour {{)",
                           f"'{value}' is not a usable web address (character "
                           f"'{bad.group()}' not allowed: percent-encode it, e.g. %7B for {{)")
    return URIRef(value)


def _date(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


def _split(value: str) -> list[str]:
    """A `;`-separated cell (MOTS_CLES, FORMAT_RESSOURCES), empty items dropped, order kept."""
    out: list[str] = []
    for item in (v.strip() for v in value.split(";")):
        if item and item not in out:
            out.append(item)
    return out


def write_coll(g: Graph, ds: Node, row: dict[str, str]) -> None:
    _agent(g, ds, row, "COLL", role=True)


def write_producer(g: Graph, ds: Node, row: dict[str, str]) -> None:
    _agent(g, ds, row, "PRODUCTEUR", role=False)


def write_literal(prop: URIRef, lang: str | None = None, datatype: URIRef | None = None):
    def write(g: Graph, ds: Node, row: dict[str, str], column: str) -> None:
        if row.get(column):
            g.add((ds, prop, Literal(row[column], lang=lang, datatype=datatype)))
    return write


def write_theme(g: Graph, ds: Node, row: dict[str, str]) -> None:
    theme = row.get("THEME", "")
    if not theme:
        return
    g.add((ds, DCAT.keyword, Literal(theme)))
    iri = table("themes").iri(theme)
    if iri:
        g.add((ds, DCAT.theme, URIRef(iri)))


def write_spatial(g: Graph, ds: Node, row: dict[str, str]) -> None:
    name, maille = row.get("COUV_SPAT_NOM", ""), row.get("COUV_SPAT_MAILLE", "")
    if not name:
        return
    found = resolve(name)
    kinds = MAILLE_KINDS.get(maille)
    hits = [t for t in found.candidates if kinds is None or t.kind in kinds]
    if found.territory is not None and (kinds is None or found.territory.kind in kinds):
        hits = [found.territory]
    if len(hits) == 1:
        g.add((ds, DCTERMS.spatial, URIRef(hits[0].iri)))
        return
    place = BNode()  # not in the registry (or ambiguous): a named location of the record
    g.add((ds, DCTERMS.spatial, place))
    g.add((place, RDF.type, DCTERMS.Location))
    g.add((place, SKOS.prefLabel, Literal(name, lang="fr")))


def write_temporal(g: Graph, ds: Node, row: dict[str, str]) -> None:
    start, end = row.get("COUV_TEMP_DEBUT", ""), row.get("COUV_TEMP_FIN", "")
    if not (start or end):
        return
    period = BNode()
    g.add((ds, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if start:
        g.add((period, DCAT.startDate, _date(start)))
    if end:
        g.add((period, DCAT.endDate, _date(end)))


def write_frequency(g: Graph, ds: Node, row: dict[str, str]) -> None:
    iri = table("frequencies").iri(row.get("FREQ_MAJ", ""))
    if iri:
        g.add((ds, DCTERMS.accrualPeriodicity, URIRef(iri)))


def write_keywords(g: Graph, ds: Node, row: dict[str, str]) -> None:
    for keyword in _split(row.get("MOTS_CLES", "")):
        g.add((ds, DCAT.keyword, Literal(keyword)))


def write_distributions(g: Graph, ds: Node, row: dict[str, str]) -> None:
    """One distribution per format: access URL = URL, licence on each (DCAT-AP puts it there)."""
    licence = table("licences").iri(row.get("LICENCE", ""))
    url = row.get("URL", "")
    for text in _split(row.get("FORMAT_RESSOURCES", "")):
        dist = BNode()
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        if url:
            g.add((dist, DCAT.accessURL, _iri(row, "URL")))
        if licence:
            g.add((dist, DCTERMS.license, URIRef(licence)))
        iri = table("formats").iri(text)
        if iri:
            g.add((dist, DCTERMS["format"], URIRef(iri)))
        else:
            fmt = BNode()
            g.add((dist, DCTERMS["format"], fmt))
            g.add((fmt, RDF.type, DCTERMS.MediaTypeOrExtent))
            g.add((fmt, RDFS.label, Literal(text)))


def write_url(g: Graph, ds: Node, row: dict[str, str]) -> None:
    if row.get("URL"):
        g.add((ds, DCAT.landingPage, _iri(row, "URL")))
