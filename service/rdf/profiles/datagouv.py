"""``datagouv``: what data.gouv.fr's DCAT harvester (udata ``DcatBackend``) ingests without loss.

Built on ``dcat-ap-3`` (same terms), then what udata 17 needs, found by running its harvester
on the feed (``tests/interop/``) and reading ``udata/core/dataset/rdf.py``:

- ``spdx:checksumValue`` as a plain string: udata stores the lexical value in a StringField
  and fails the **whole dataset** on the ``xsd:hexBinary`` typed literal DCAT-AP specifies;
- licence IRIs as data.gouv.fr's licence table knows them (every equivalent IRI of
  ``vocab/licences.ttl``, linked by ``skos:exactMatch``, is served as data.gouv.fr's one):
  any other IRI for the same licence ends up as "notspecified";
- ``dct:temporal`` as a blank node: udata *dereferences* an IRI period (one HTTP request per
  dataset, and the date range is lost when it fails); the record's skolem IRI ``…#hex`` is
  turned into a blank node;
- a ``dct:conformsTo`` the source gave as a blank node, as a blank node again (the record's
  skolem IRI ``…/datasets/<id>#<hex>`` otherwise becomes the schema URL on data.gouv.fr, where
  udata on the source takes the standard's ``dct:type`` IRI, e.g. the INSPIRE glossary's);
- WKT geometries: only polygons and multipolygons served (udata stores nothing else and logs
  "Unsupported GeoJSON type" for each point, e.g. every ``dcat:centroid``; the bounding box
  next to it is what it stores), without the CRS84 IRI prefix (CRS84 is WKT's default; udata's
  WKT reader does not accept the prefix);
- ``dcat:mediaType`` as ``https://www.iana.org/assignments/media-types/…`` (udata only
  recognises the https form), and added from ``dct:format`` when a distribution has none;
- ``rdfs:label`` on the EU file-type IRIs whose lowercased code is not the format name
  data.gouv.fr uses (``RDF_TURTLE`` → ``ttl``…): udata reads the label before the IRI;
- themes, frequencies, licences… typed and labelled by the shared enrichment (udata turns a
  theme into a tag only through its ``skos:prefLabel`` in the same document);
- the values of one property in several languages served French first, then English, then
  the others by language tag: udata keeps one value, the French one, else the *first* it
  reads, and a store has no order (a contact point's name changed from one run to the next,
  ``ckan-dataset_multilingual-ttl``);
- a ``dct:subject`` that is an INSPIRE theme or an HVD category (``repair/themes.py``; the
  repair keeps them as subjects, not being DCAT-AP themes Socle holds) served as ``dcat:theme``
  too, labelled: udata reads only ``dcat:theme``, and derives its ``inspire`` tag from the
  INSPIRE IRI, its ``hvd`` tag and the category's name from the HVD IRI.

One pass over the triples, one dictionary look-up per predicate (no if-chain on terms), then
the shared enrichment.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox

from service.rdf.profiles import dcatap3
from service.rdf.profiles.enrich import DCAT, DCT, SKOS, SPDX, XSD, enrichment
from service.rdf.repair.themes import LABELS as THEME_LABELS
from service.resources import VOCAB_DIR

if TYPE_CHECKING:
    from service.rdf.parse import OxSubject, OxTerm

N = ox.NamedNode
RDFS_LABEL = N("http://www.w3.org/2000/01/rdf-schema#label")
XSD_STRING = N(f"{XSD}string")
LOCN = "http://www.w3.org/ns/locn#"
GSP_WKT = N("http://www.opengis.net/ont/geosparql#wktLiteral")
EUFT = "http://publications.europa.eu/resource/authority/file-type/"
IANA = "https://www.iana.org/assignments/media-types/"
IANA_HTTP = "http://www.iana.org/assignments/media-types/"
CRS84 = ("<http://www.opengis.net/def/crs/OGC/1.3/CRS84>",
         "<https://www.opengis.net/def/crs/OGC/1.3/CRS84>")

# --- data tables -----------------------------------------------------------------------------

# Licence (skos:notation of its main IRI in vocab/licences.ttl) → the URL data.gouv.fr's licence
# table (GET /api/1/datasets/licenses/) holds for it.
DATAGOUV_LICENCES: dict[str, str] = {
    "etalab-2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",  # lov2
    "etalab-1.0": "https://www.etalab.gouv.fr/wp-content/uploads/2014/05/Licence_Ouverte.pdf",
    "ODbL-1.0": "http://opendatacommons.org/licenses/odbl/summary/",  # odc-odbl
    "ODC-By-1.0": "http://opendatacommons.org/licenses/by/summary/",  # odc-by
    "CC-BY-4.0": "http://www.opendefinition.org/licenses/cc-by",  # cc-by
    "CC0-1.0": "http://www.opendefinition.org/licenses/cc-zero",  # cc-zero
}

# EU file-type code → format name on data.gouv.fr, where it is not the code in lower case
# (udata's default for an EU file-type IRI).
FORMAT_NAMES: dict[str, str] = {
    "RDF_TURTLE": "ttl", "RDF_XML": "rdf", "JSON_LD": "jsonld", "RDF_N_TRIPLES": "nt",
    "RDF_N_QUADS": "nq", "RDF_TRIG": "trig", "GZIP": "gz", "TAR_GZ": "tar.gz",
    "GEOTIFF": "tiff", "NETCDF": "nc", "MIF_MID": "mif", "WMS_SRVC": "wms",
    "WFS_SRVC": "wfs", "WCS_SRVC": "wcs", "SPARQLQ": "sparql", "OCTET": "bin",
}

# EU file-type code → IANA media type, to state dcat:mediaType when a distribution has none.
MEDIA_TYPES: dict[str, str] = {
    "CSV": "text/csv", "TSV": "text/tab-separated-values", "TXT": "text/plain",
    "HTML": "text/html", "JSON": "application/json", "GEOJSON": "application/geo+json",
    "JSON_LD": "application/ld+json", "XML": "application/xml", "PDF": "application/pdf",
    "ZIP": "application/zip", "GZIP": "application/gzip", "7Z": "application/x-7z-compressed",
    "ODS": "application/vnd.oasis.opendocument.spreadsheet",
    "ODT": "application/vnd.oasis.opendocument.text",
    "XLS": "application/vnd.ms-excel",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "DOC": "application/msword",
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "KML": "application/vnd.google-earth.kml+xml", "KMZ": "application/vnd.google-earth.kmz",
    "GML": "application/gml+xml", "GPKG": "application/geopackage+sqlite3",
    "RDF_TURTLE": "text/turtle", "RDF_XML": "application/rdf+xml",
    "RDF_N_TRIPLES": "application/n-triples", "RDF_N_QUADS": "application/n-quads",
    "RDF_TRIG": "application/trig", "ICS": "text/calendar", "YAML": "application/yaml",
    "JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "GEOTIFF": "image/tiff",
    "ATOM": "application/atom+xml", "RSS": "application/rss+xml", "SQL": "application/sql",
    "NETCDF": "application/netcdf", "OCTET": "application/octet-stream",
}

# WKT geometry types udata stores (spatial_from_rdf); others are ignored with a warning.
WKT_KEPT = frozenset({"POLYGON", "MULTIPOLYGON"})

TEMPORAL = N(f"{DCT}temporal")
CONFORMS_TO = N(f"{DCT}conformsTo")
SUBJECT, THEME = N(f"{DCT}subject"), N(f"{DCAT}theme")
PREF_LABEL = N(f"{SKOS}prefLabel")
KEYWORD = N(f"{DCAT}keyword")
# A record's skolem IRI (service.rdf.records.skolemise_triples): a blank node of the source.
SKOLEM_IRI = re.compile(r"/datasets/[^/#]+#[0-9a-f]{16}(-[0-9]+)?$")
LICENSE = N(f"{DCT}license")
FORMAT = N(f"{DCT}format")
MEDIA_TYPE = N(f"{DCAT}mediaType")
DISTRIBUTION = N(f"{DCAT}distribution")
EXACT_MATCH = N(f"{SKOS}exactMatch")
NOTATION = N(f"{SKOS}notation")


def licence_map(path: Path = VOCAB_DIR / "licences.ttl") -> dict[ox.NamedNode,
                                                                          ox.NamedNode]:
    """Every IRI of a licence in ``vocab/licences.ttl`` (``skos:exactMatch`` closure) →
    data.gouv.fr's IRI for that licence (:data:`DATAGOUV_LICENCES`)."""
    links: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    notation: dict[ox.NamedNode, str] = {}
    for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if t.predicate == EXACT_MATCH and isinstance(t.object, ox.NamedNode):
            links.setdefault(t.subject, set()).add(t.object)
            links.setdefault(t.object, set()).add(t.subject)
        elif t.predicate == NOTATION:
            notation[t.subject] = t.object.value
    out: dict[ox.NamedNode, ox.NamedNode] = {}
    for start, code in notation.items():
        target = DATAGOUV_LICENCES.get(code)
        if target is None:
            continue
        seen, todo = {start}, [start]
        while todo:
            for nxt in links.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        for iri in seen:
            out[iri] = N(target)
    return out


LICENCES: Mapping[ox.NamedNode, ox.NamedNode] = licence_map()
_THEMES = {N(iri): (ox.Literal(fr, language="fr"), ox.Literal(en, language="en"))
           for iri, (fr, en) in THEME_LABELS.items()}
_FORMAT_LABELS = {N(EUFT + code): ox.Literal(name) for code, name in FORMAT_NAMES.items()}
_MEDIA_BY_FORMAT = {N(EUFT + code): N(IANA + mime) for code, mime in MEDIA_TYPES.items()}


def _blank(iri: ox.NamedNode) -> ox.BlankNode:
    """A blank node standing for a record's skolem IRI, stable from one request to the next."""
    return ox.BlankNode("t" + hashlib.blake2b(iri.value.encode(), digest_size=8).hexdigest())


def _wkt(lit: ox.Literal) -> ox.Literal | None:
    """The WKT literal as udata reads it, or None when udata cannot store its geometry."""
    text = lit.value.lstrip()
    stripped = False
    for prefix in CRS84:
        if text.startswith(prefix):
            text, stripped = text[len(prefix):].lstrip(), True
    if text.split("(", 1)[0].strip().upper() not in WKT_KEPT:
        return None
    return ox.Literal(text, datatype=GSP_WKT) if stripped else lit


# What each predicate needs (everything else is served as it is): one dict look-up per triple.
_PERIOD, _LICENCE, _MEDIA, _FORMAT, _CHECKSUM, _GEOMETRY, _SKOLEM, _SUBJECT = range(8)
_KIND = {TEMPORAL: _PERIOD, LICENSE: _LICENCE, MEDIA_TYPE: _MEDIA, FORMAT: _FORMAT,
         CONFORMS_TO: _SKOLEM, SUBJECT: _SUBJECT,
         N(f"{SPDX}checksumValue"): _CHECKSUM, N(f"{DCAT}bbox"): _GEOMETRY,
         N(f"{DCAT}centroid"): _GEOMETRY, N(f"{LOCN}geometry"): _GEOMETRY}


def rewrite(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The record triples as udata reads them (the changes listed in the module docstring),
    plus the ``rdfs:label`` of the formats that need one."""
    out: list[ox.Triple] = []
    append = out.append
    periods: dict[ox.NamedNode, ox.BlankNode] = {}
    temporal_at: list[tuple[int, ox.Triple]] = []
    has_media: set[OxTerm] = set()
    formats: list[tuple[OxSubject, ox.NamedNode]] = []
    labels: set[ox.NamedNode] = set()
    themes: list[ox.Triple] = []
    kinds = _KIND
    for t in triples:
        kind = kinds.get(t.predicate)
        if kind is None:
            append(t)
            continue
        o = t.object
        if kind in (_PERIOD, _SKOLEM):
            if isinstance(o, ox.NamedNode) and (kind == _PERIOD or SKOLEM_IRI.search(o.value)):
                blank = periods.get(o) or periods.setdefault(o, _blank(o))
                temporal_at.append((len(out), t))
                t = ox.Triple(t.subject, t.predicate, blank)
        elif kind == _LICENCE:
            mapped = LICENCES.get(o) if isinstance(o, ox.NamedNode) else None
            if mapped is not None and mapped != o:
                t = ox.Triple(t.subject, LICENSE, mapped)
        elif kind == _MEDIA:
            has_media.add(t.subject)
            if isinstance(o, ox.NamedNode) and o.value.startswith(IANA_HTTP):
                t = ox.Triple(t.subject, MEDIA_TYPE, N(IANA + o.value[len(IANA_HTTP):]))
        elif kind == _FORMAT:
            if isinstance(o, ox.NamedNode) and o in _MEDIA_BY_FORMAT:
                formats.append((t.subject, o))
            if isinstance(o, ox.NamedNode) and o in _FORMAT_LABELS:
                labels.add(o)
        elif kind == _SUBJECT:
            if isinstance(o, ox.NamedNode) and o in _THEMES:
                themes.append(ox.Triple(t.subject, THEME, o))
        elif kind == _CHECKSUM:
            if isinstance(o, ox.Literal) and o.datatype != XSD_STRING:
                t = ox.Triple(t.subject, t.predicate, ox.Literal(o.value))
        elif isinstance(o, ox.Literal) and o.datatype == GSP_WKT:  # _GEOMETRY
            wkt = _wkt(o)
            if wkt is None:
                continue
            if wkt is not o:
                t = ox.Triple(t.subject, t.predicate, wkt)
        append(t)
    if periods:
        _periods_as_blank_nodes(out, periods, temporal_at)
    for dist, fmt in formats:
        if dist not in has_media:
            append(ox.Triple(dist, MEDIA_TYPE, _MEDIA_BY_FORMAT[fmt]))
            has_media.add(dist)
    out.extend(ox.Triple(f, RDFS_LABEL, _FORMAT_LABELS[f]) for f in sorted(labels, key=str))
    if themes:
        _themes(out, themes)
    return out


def _themes(out: list[ox.Triple], themes: list[ox.Triple]) -> None:
    """The INSPIRE/HVD subjects as ``dcat:theme`` too, with their labels (the shared enrichment
    then types them ``skos:Concept``), unless the page already says so."""
    present = set(out)
    labelled = {t.subject for t in out if t.predicate == PREF_LABEL}
    for t in themes:
        if t not in present:
            out.append(t)
            present.add(t)
        iri = cast(ox.NamedNode, t.object)
        if iri not in labelled:
            labelled.add(iri)
            out.extend(ox.Triple(iri, PREF_LABEL, label) for label in _THEMES[iri])


def _periods_as_blank_nodes(out: list[ox.Triple], periods: dict[ox.NamedNode, ox.BlankNode],
                            temporal_at: list[tuple[int, ox.Triple]]) -> None:
    """The periods' own triples under their blank node; a period IRI the page does not
    describe (not the record's own node) stays the IRI it is."""
    described = periods.keys() & {t.subject for t in out}
    for i, original in temporal_at:
        if original.object not in described:
            out[i] = original
    if described:
        out[:] = [ox.Triple(periods[cast(ox.NamedNode, s)], t.predicate, t.object)
                  if (s := t.subject) in described else t for t in out]


# Language tag → rank of a value among the values of its property (lower first).
LANGUAGE_RANK = {"fr": 0, "en": 1}


def languages_in_order(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples with the language-tagged values of each (subject, property) in
    :data:`LANGUAGE_RANK` order, in the places those values had (nothing else moves; values
    all in one language, and keywords, udata keeps all of, are left as they are)."""
    groups: dict[tuple[OxSubject, ox.NamedNode], list[tuple[int, str]]] = {}
    literal, keyword = ox.Literal, KEYWORD
    for i, t in enumerate(triples):
        o = t.object
        if type(o) is literal and t.predicate != keyword and (lang := o.language):
            groups.setdefault((t.subject, t.predicate), []).append((i, lang))
    out = triples
    for found in groups.values():
        if len(found) < 2 or len({lang for _i, lang in found}) < 2:
            continue
        if out is triples:
            out = list(triples)
        places = [i for i, _lang in found]
        ranked = sorted((triples[i] for i in places), key=_language_key)
        for i, t in zip(places, ranked, strict=True):
            out[i] = t
    return out


def _language_key(t: ox.Triple) -> tuple[int, str, str]:
    value = cast(ox.Literal, t.object)
    lang = value.language or ""
    return LANGUAGE_RANK.get(lang.split("-")[0].lower(), 2), lang, value.value


def shape(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The record triples in this profile, without the enrichment (profiles.SHAPES)."""
    return languages_in_order(rewrite(dcatap3.normalise(triples)))


def profile(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    out = shape(triples)
    return out + enrichment(out)
