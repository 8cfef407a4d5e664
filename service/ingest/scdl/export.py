"""A publisher's records → an SCDL catalogue CSV (schema 0.1.3), the inverse of mapping.py.

Lists are written sorted and `;`-joined and values normalised, so that a second export of
what a first export imported gives the same bytes. Records that never came from a CSV are
exported as far as DCAT-AP says what SCDL asks; cells with no source stay empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from service.catalog import bookkeeping
from service.catalog.publishers import Publisher, get_publisher
from service.catalog.records import RecordService
from service.ingest.scdl.mapping import GRANULARITY_KINDS, format_code
from service.ingest.scdl.tables import DATA_THEME, tables
from service.rdf.namespaces import DCAT, DCTERMS, FOAF, SKOS, SOCLE

COLUMNS = ("COLL_NOM", "COLL_SIRET", "ID", "TITRE", "DESCRIPTION", "THEME", "PRODUCTEUR_NOM",
           "PRODUCTEUR_SIRET", "COUV_SPAT_MAILLE", "COUV_SPAT_NOM", "COUV_TEMP_DEBUT",
           "COUV_TEMP_FIN", "DATE_PUBL", "FREQ_MAJ", "DATE_MAJ", "MOTS_CLES", "LICENCE",
           "NOMBRE_RESSOURCES", "FORMAT_RESSOURCES", "URL")
KIND_GRANULARITY = {kinds[0]: name for name, kinds in GRANULARITY_KINDS.items()}


def _one(g: Graph, s: Node, p: URIRef, lang: str | None = "fr") -> str:
    values = sorted(g.objects(s, p), key=lambda o: (getattr(o, "language", None) != lang, str(o)))
    return str(values[0]) if values else ""


def _date(g: Graph, s: Node, p: URIRef) -> str:
    return _one(g, s, p)[:10]


def _spatial(g: Graph, ds: Node) -> tuple[str, str]:
    from service.territories.registry import registry
    from service.territories.resolve import resolve

    granularity = _one(g, ds, SOCLE.spatialGranularity)
    for place in sorted(g.objects(ds, DCTERMS.spatial), key=str):
        territory = registry().by_iri(str(place)) if isinstance(place, URIRef) else None
        if territory is not None:
            granularity = granularity or KIND_GRANULARITY.get(territory.kind, "Autre")
            # The bare name when it names this territory alone at that granularity.
            kinds = GRANULARITY_KINDS.get(granularity)
            hits = [t for t in resolve(territory.name).candidates
                    if kinds is None or t.kind in kinds]
            return granularity, territory.name if hits == [territory] else territory.label
        label = _one(g, place, SKOS.prefLabel)
        if label:
            return granularity or "Autre", label
    return granularity, ""


def _theme(g: Graph, ds: Node) -> str:
    given = sorted(str(t) for t in g.objects(ds, SOCLE.scdlTheme))
    if given:
        return ";".join(given)
    for theme in sorted(str(t) for t in g.objects(ds, DCAT.theme)):
        value = tables().value("THEME", theme.removeprefix(DATA_THEME))
        if value:
            return value
    return ""


def _licence(g: Graph, dists: list[Node]) -> str:
    licences = [lic for d in dists for lic in g.objects(d, DCTERMS.license)]
    for lic in sorted(licences, key=str):
        if isinstance(lic, URIRef):
            return tables().value("LICENCE", str(lic)) or "Spécifique ou autre"
    return "Spécifique ou autre" if licences else ""


def _formats(g: Graph, dists: list[Node]) -> str:
    codes = {format_code(f, _one(g, f, RDFS.label, None) or None)
             for d in dists for f in g.objects(d, DCTERMS.format)}
    return ";".join(sorted(codes))


def record_row(g: Graph, ds: URIRef, publisher: Publisher) -> dict[str, str]:
    """The SCDL row of one record graph."""
    creator = next(iter(sorted(g.objects(ds, DCTERMS.creator), key=str)), None)
    theme_words = set(str(t) for t in g.objects(ds, SOCLE.scdlTheme))
    keywords = sorted({str(k) for k in g.objects(ds, DCAT.keyword)} - theme_words)
    dists = sorted(g.objects(ds, DCAT.distribution), key=str)
    period = next(iter(sorted(g.objects(ds, DCTERMS.temporal), key=str)), None)
    granularity, place = _spatial(g, ds)
    coll_siret = _one(g, ds, SOCLE.catalogueSiret)
    row = {
        "COLL_NOM": publisher.name,
        "COLL_SIRET": coll_siret,
        "ID": _one(g, ds, DCTERMS.identifier, None),
        "TITRE": _one(g, ds, DCTERMS.title),
        "DESCRIPTION": _one(g, ds, DCTERMS.description),
        "THEME": _theme(g, ds),
        "PRODUCTEUR_NOM": _one(g, creator, FOAF.name) if creator is not None else publisher.name,
        "PRODUCTEUR_SIRET": (_one(g, creator, DCTERMS.identifier, None)
                             if creator is not None else coll_siret),
        "COUV_SPAT_MAILLE": granularity,
        "COUV_SPAT_NOM": place,
        "COUV_TEMP_DEBUT": _date(g, period, DCAT.startDate) if period is not None else "",
        "COUV_TEMP_FIN": _date(g, period, DCAT.endDate) if period is not None else "",
        "DATE_PUBL": _date(g, ds, DCTERMS.issued),
        "FREQ_MAJ": tables().value("FREQ_MAJ", _one(g, ds, DCTERMS.accrualPeriodicity)) or "",
        "DATE_MAJ": _date(g, ds, DCTERMS.modified),
        "MOTS_CLES": ";".join(keywords),
        "LICENCE": _licence(g, dists),
        "NOMBRE_RESSOURCES": str(len(dists)) if dists else "",
        "FORMAT_RESSOURCES": _formats(g, dists),
        "URL": _one(g, ds, DCAT.landingPage) or next(
            (str(u) for d in dists for u in sorted(g.objects(d, DCAT.accessURL), key=str)), ""),
    }
    return {k: " ".join(v.split()) if k not in ("DESCRIPTION",) else v for k, v in row.items()}


def write_csv(rows: Iterable[dict[str, str]]) -> str:
    """UTF-8 text, `,` separator, quoted only where needed (RFC 4180, the Table Schema
    default dialect)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def catalogue_csv(records: RecordService, publisher_id: str) -> str:
    """Every record of the publisher, in identifier order."""
    publisher = get_publisher(records.store, records.base_url, publisher_id)
    rows = []
    offset = 0
    while True:
        page = bookkeeping.list_records(records.store, publisher=publisher_id, limit=500,
                                        offset=offset)
        for meta in page:
            g = records.graph(meta)
            if (URIRef(meta.iri), RDF.type, DCAT.Dataset) in g:  # not data services
                rows.append(record_row(g, URIRef(meta.iri), publisher))
        if len(page) < 500:
            break
        offset += 500
    rows.sort(key=lambda r: (r["ID"], r["TITRE"]))
    return write_csv(rows)

