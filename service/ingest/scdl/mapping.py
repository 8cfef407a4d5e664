"""One SCDL catalogue row ↔ one DCAT-AP 3 dataset graph (docs/scdl.md has the table).

Pure functions, driven by the column table ``COLUMNS`` (column → writer, reader): the importer
and the CSV export use the same table, so what is written is what is read back.

Lossless: after a row is mapped, each cell is read back from the graph; a cell the DCAT-AP form
does not give back exactly (a theme with no EU equivalent, a place name that is not the
registry's, a granularity the territory does not imply, a resource count that is not the number
of formats...) is also kept verbatim as ``socle:scdl_<COLUMN>`` on the dataset, with what the
DCAT-AP properties gave at the time (``socle:scdlDcat_<COLUMN>``); the reader prefers the
verbatim cell while the properties still say the same. So import → export → import is stable,
an edited record exports what it now says, and the DCAT-AP view stays the plain one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier, Node

from service.ingest.scdl.tables import table
from service.ingest.scdl.writers import (
    MAILLE_KINDS,
    PUBLISHER_ROLE,
    write_coll,
    write_distributions,
    write_frequency,
    write_keywords,
    write_literal,
    write_producer,
    write_spatial,
    write_temporal,
    write_theme,
    write_url,
)
from service.rdf.namespaces import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, SOCLE, XSD
from service.rdf.records import Extracted
from service.territories import registry

# The 20 columns of SCDL catalogue 0.1.1-0.1.3, in the schema's order (the export's header).
COLUMN_ORDER = (
    "COLL_NOM", "COLL_SIRET", "ID", "TITRE", "DESCRIPTION", "THEME", "PRODUCTEUR_NOM",
    "PRODUCTEUR_SIRET", "COUV_SPAT_MAILLE", "COUV_SPAT_NOM", "COUV_TEMP_DEBUT", "COUV_TEMP_FIN",
    "DATE_PUBL", "FREQ_MAJ", "DATE_MAJ", "MOTS_CLES", "LICENCE", "NOMBRE_RESSOURCES",
    "FORMAT_RESSOURCES", "URL",
)
KIND_MAILLE = {kind: maille for maille, kinds in MAILLE_KINDS.items() for kind in kinds}
NO_LICENCE = "Spécifique ou autre"


def verbatim(column: str) -> URIRef:
    """The property keeping a cell as typed when DCAT-AP cannot give it back."""
    return SOCLE[f"scdl_{column}"]


def reading(column: str) -> URIRef:
    """The property keeping what the DCAT-AP properties gave for that cell at import: the
    verbatim cell is used only while they still give the same (a record edited since, in the
    form or by PUT, exports what it now says)."""
    return SOCLE[f"scdlDcat_{column}"]


# -- helpers shared by writers and readers ------------------------------------------------------
def _one(g: Graph, s: Node, p: URIRef, lang: str | None = None) -> str:
    """The first value (sorted, the `lang` one first) as text; "" when none."""
    values = sorted(g.objects(s, p), key=lambda o: (getattr(o, "language", None) != lang,
                                                    str(o)))
    return str(values[0]) if values else ""


def _sorted(nodes: Iterable[Node]) -> list[Node]:
    """Terms in rdflib's order (a graph's terms are Identifiers, which compare)."""
    return list(sorted(cast("Iterable[Identifier]", nodes)))


def _coll_agent(g: Graph, ds: Node) -> Node | None:
    for attribution in _sorted(g.objects(ds, PROV.qualifiedAttribution)):
        if (attribution, DCAT.hadRole, PUBLISHER_ROLE) in g:
            return g.value(attribution, PROV.agent)
    return g.value(ds, DCTERMS.publisher)


def _producer_agent(g: Graph, ds: Node) -> Node | None:
    creators = _sorted(g.objects(ds, DCTERMS.creator))
    return creators[0] if creators else _coll_agent(g, ds)


def _day(g: Graph, s: Node | None, p: URIRef) -> str:
    return _one(g, s, p)[:10] if s is not None else ""


def _period(g: Graph, ds: Node) -> Node | None:
    periods = _sorted(g.objects(ds, DCTERMS.temporal))
    return periods[0] if periods else None


def _territory(g: Graph, ds: Node):
    for spatial in _sorted(g.objects(ds, DCTERMS.spatial)):
        found = registry().by_iri(str(spatial)) if isinstance(spatial, URIRef) else None
        if found is not None:
            return found
    return None


def _distributions(g: Graph, ds: Node) -> list[Node]:
    return _sorted(g.objects(ds, DCAT.distribution))


def _format_text(g: Graph, fmt: Node) -> str:
    return table("formats").text(str(fmt)) or _one(g, fmt, RDFS.label) or \
        str(fmt).rsplit("/", 1)[-1].lower()


# -- readers: (graph, dataset) → cell ------------------------------------------------------------
def _r_name(agent_of: Callable[[Graph, Node], Node | None]) -> Callable[[Graph, Node], str]:
    def read(g: Graph, ds: Node) -> str:
        agent = agent_of(g, ds)
        return _one(g, agent, FOAF.name, "fr") if agent else ""
    return read


def _r_siret(agent_of: Callable[[Graph, Node], Node | None]):
    def read(g: Graph, ds: Node) -> str:
        agent = agent_of(g, ds)
        ids = [str(o) for o in g.objects(agent, DCTERMS.identifier)] if agent else []
        sirets = sorted(i for i in ids if len(i) == 14 and i.isdigit())
        return sirets[0] if sirets else ""
    return read


def _r_id(g: Graph, ds: Node) -> str:
    return _one(g, ds, DCTERMS.identifier) or str(ds)


def _r_theme(g: Graph, ds: Node) -> str:
    labels = sorted(filter(None, (table("themes").text(str(t))
                                  for t in g.objects(ds, DCAT.theme))))
    return labels[0] if labels else ""


def _r_maille(g: Graph, ds: Node) -> str:
    found = _territory(g, ds)
    return KIND_MAILLE.get(found.kind, "Autre") if found else ""


def _r_spatial_name(g: Graph, ds: Node) -> str:
    found = _territory(g, ds)
    if found is not None:
        return found.name
    for place in _sorted(g.objects(ds, DCTERMS.spatial)):
        label = _one(g, place, SKOS.prefLabel, "fr") or _one(g, place, RDFS.label, "fr")
        if label:
            return label
    return ""


def _r_frequency(g: Graph, ds: Node) -> str:
    freq = g.value(ds, DCTERMS.accrualPeriodicity)
    return (table("frequencies").text(str(freq)) or "Inconnue") if freq else ""


def _r_keywords(g: Graph, ds: Node) -> str:
    theme = read_cell(g, ds, "THEME")
    return ";".join(sorted({str(k) for k in g.objects(ds, DCAT.keyword)} - {theme}))


def _r_licence(g: Graph, ds: Node) -> str:
    found = {str(lic) for d in _distributions(g, ds) for lic in g.objects(d, DCTERMS.license)}
    found |= {str(lic) for lic in g.objects(ds, DCTERMS.license)}
    texts = sorted(filter(None, (table("licences").text(iri) for iri in found)))
    return texts[0] if texts else NO_LICENCE


def _r_count(g: Graph, ds: Node) -> str:
    count = len(_distributions(g, ds))
    return str(count) if count else ""


def _r_formats(g: Graph, ds: Node) -> str:
    texts = {_format_text(g, f) for d in _distributions(g, ds)
             for f in g.objects(d, DCTERMS["format"])}
    return ";".join(sorted(texts))


def _r_url(g: Graph, ds: Node) -> str:
    pages = sorted(str(p) for p in g.objects(ds, DCAT.landingPage))
    if pages:
        return pages[0]
    urls = sorted(str(u) for d in _distributions(g, ds)
                  for p in (DCAT.accessURL, DCAT.downloadURL) for u in g.objects(d, p))
    return urls[0] if urls else (str(ds) if isinstance(ds, URIRef) else "")


@dataclass(frozen=True)
class Column:
    """How one column is written (None: written by a sibling column's writer) and read."""

    name: str
    write: Callable[..., None] | None
    read: Callable[[Graph, Node], str]


def _literal_column(name: str, prop: URIRef, lang: str | None = None,
                    datatype: URIRef | None = None) -> Column:
    writer = write_literal(prop, lang, datatype)
    if datatype == XSD.date:
        reader: Callable[[Graph, Node], str] = lambda g, ds: _day(g, ds, prop)  # noqa: E731
    else:
        reader = lambda g, ds: _one(g, ds, prop, lang)  # noqa: E731
    return Column(name, lambda g, ds, row: writer(g, ds, row, name), reader)


COLUMNS: tuple[Column, ...] = (
    Column("COLL_NOM", write_coll, _r_name(_coll_agent)),
    Column("COLL_SIRET", None, _r_siret(_coll_agent)),
    _literal_column("ID", DCTERMS.identifier),
    _literal_column("TITRE", DCTERMS.title, lang="fr"),
    _literal_column("DESCRIPTION", DCTERMS.description, lang="fr"),
    Column("THEME", write_theme, _r_theme),
    Column("PRODUCTEUR_NOM", write_producer, _r_name(_producer_agent)),
    Column("PRODUCTEUR_SIRET", None, _r_siret(_producer_agent)),
    Column("COUV_SPAT_MAILLE", None, _r_maille),
    Column("COUV_SPAT_NOM", write_spatial, _r_spatial_name),
    Column("COUV_TEMP_DEBUT", write_temporal,
           lambda g, ds: _day(g, _period(g, ds), DCAT.startDate)),
    Column("COUV_TEMP_FIN", None, lambda g, ds: _day(g, _period(g, ds), DCAT.endDate)),
    _literal_column("DATE_PUBL", DCTERMS.issued, datatype=XSD.date),
    Column("FREQ_MAJ", write_frequency, _r_frequency),
    _literal_column("DATE_MAJ", DCTERMS.modified, datatype=XSD.date),
    Column("MOTS_CLES", write_keywords, _r_keywords),
    Column("LICENCE", None, _r_licence),
    Column("NOMBRE_RESSOURCES", None, _r_count),
    Column("FORMAT_RESSOURCES", write_distributions, _r_formats),
    Column("URL", write_url, _r_url),
)
BY_NAME = {c.name: c for c in COLUMNS}


def read_cell(g: Graph, ds: Node, column: str) -> str:
    """One cell of a dataset: the verbatim copy when there is one, else the DCAT-AP reading."""
    now = BY_NAME[column].read(g, ds)
    kept = g.value(ds, verbatim(column))
    if kept is not None and str(g.value(ds, reading(column), default=Literal(""))) == now:
        return str(kept)
    return now


def row_to_graph(row: dict[str, str], publisher_iri: str) -> Graph:
    """The dcat:Dataset one (checked) row describes, rooted at a blank node (see row_to_record).
    """
    return row_to_record(row, publisher_iri).graph


def row_to_record(row: dict[str, str], publisher_iri: str) -> Extracted:
    """The dataset of one (checked) row, as the records service takes it: its blank root and
    the graph (built whole here, so no extraction pass is needed).

    The root stays blank: the records service names it (``record_iri``: a new record gets
    ``{base}/datasets/{ID}`` when that id is free, else a short random one; an existing record
    with the same dct:identifier for this publisher keeps its IRI), so two communes may both
    have a row ``budget-primitif-2024``.
    """
    cells = {k: (v or "").strip() for k, v in row.items() if k}
    g = Graph(store="SimpleMemory")  # no named graphs needed: adds and lookups ~2x faster
    ds = BNode()
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.publisher, URIRef(publisher_iri)))
    for column in COLUMNS:
        if column.write is not None:
            column.write(g, ds, cells)
    for name in COLUMN_ORDER:
        given = cells.get(name, "")
        now = BY_NAME[name].read(g, ds)
        if given and now != given:
            g.add((ds, verbatim(name), Literal(given)))
            g.add((ds, reading(name), Literal(now)))
    return Extracted(ds, g)


def record_to_row(graph: Graph, dataset_iri: str | Node) -> dict[str, str]:
    """The SCDL row of one record graph, in COLUMN_ORDER (empty cells where DCAT has nothing)."""
    ds = dataset_iri if isinstance(dataset_iri, Node) else URIRef(dataset_iri)
    return {name: read_cell(graph, ds, name) for name in COLUMN_ORDER}
