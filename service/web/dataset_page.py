"""The public dataset page: every property readable, labelled, and schema.org JSON-LD.

Property names come from a table (DCAT-AP 3 terms -> French and English labels), values from
the vocabularies (`vocab/`) when they are concepts, so a reader sees "Licence Ouverte 2.0",
not an IRI. What the table does not know is still shown, under its CURIE.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from service.catalog.bookkeeping import RecordMeta
from service.rdf.namespaces import ADMS, DCAT, DCATAP, DCTERMS, FOAF, LOCN, SPDX, VCARD
from service.web import formats
from service.web.labels import curie, text
from service.web.links import safe_href
from service.web.vocabulary import Vocabularies

P = {  # property -> (fr, en); the order is the order of the page
    DCTERMS.description: ("Description", "Description"),
    DCTERMS.identifier: ("Identifiant", "Identifier"),
    DCTERMS.publisher: ("Éditeur", "Publisher"),
    DCAT.keyword: ("Mots-clés", "Keywords"),
    DCAT.theme: ("Thèmes", "Themes"),
    DCTERMS.accrualPeriodicity: ("Fréquence de mise à jour", "Update frequency"),
    DCTERMS.license: ("Licence", "Licence"),
    DCTERMS.accessRights: ("Droits d'accès", "Access rights"),
    DCTERMS.spatial: ("Couverture géographique", "Spatial coverage"),
    DCTERMS.temporal: ("Couverture temporelle", "Temporal coverage"),
    DCTERMS.issued: ("Date de publication", "Release date"),
    DCTERMS.modified: ("Date de modification", "Modification date"),
    DCTERMS.conformsTo: ("Conforme à", "Conforms to"),
    DCAT.contactPoint: ("Contact", "Contact point"),
    DCAT.landingPage: ("Page d'accueil", "Landing page"),
    DCTERMS.language: ("Langue", "Language"),
    DCTERMS.creator: ("Créateur", "Creator"),
    DCTERMS.provenance: ("Provenance", "Provenance"),
    DCTERMS.source: ("Source", "Source"),
    DCTERMS.type: ("Type", "Type"),
    URIRef(f"{DCAT}version"): ("Version", "Version"),
    ADMS.versionNotes: ("Notes de version", "Version notes"),
    DCAT.spatialResolutionInMeters: ("Résolution spatiale (m)", "Spatial resolution (m)"),
    DCAT.temporalResolution: ("Résolution temporelle", "Temporal resolution"),
    DCATAP.applicableLegislation: ("Législation applicable", "Applicable legislation"),
    DCATAP.hvdCategory: ("Catégorie de données de forte valeur", "High-value dataset category"),
    DCTERMS.title: ("Titre", "Title"),
    DCAT.accessURL: ("Adresse d'accès", "Access URL"),
    DCAT.downloadURL: ("Téléchargement", "Download URL"),
    DCTERMS.format: ("Format", "Format"),
    DCAT.mediaType: ("Type de média", "Media type"),
    DCAT.byteSize: ("Taille", "Size"),
    DCATAP.availability: ("Disponibilité prévue", "Planned availability"),
    DCAT.compressFormat: ("Format de compression", "Compression format"),
    DCAT.packageFormat: ("Format d'archive", "Package format"),
    DCTERMS.rights: ("Droits", "Rights"),
    ADMS.status: ("Statut", "Status"),
    DCAT.accessService: ("Service d'accès", "Access service"),
    DCAT.endpointURL: ("Adresse du service", "Endpoint URL"),
    DCTERMS.relation: ("Ressource liée", "Related resource"),
    DCTERMS.isReferencedBy: ("Cité par", "Referenced by"),
    DCTERMS.hasVersion: ("Autre version", "Has version"),
    DCTERMS.isVersionOf: ("Version de", "Is version of"),
    DCTERMS.rightsHolder: ("Détenteur des droits", "Rights holder"),
    ADMS.identifier: ("Autre identifiant", "Other identifier"),
    ADMS.sample: ("Échantillon", "Sample"),
    SPDX.algorithm: ("Algorithme", "Algorithm"),
    SPDX.checksumValue: ("Valeur", "Value"),
    FOAF.homepage: ("Site web", "Home page"),
    SPDX.checksum: ("Somme de contrôle", "Checksum"),
    DCAT.startDate: ("Début", "Start"),
    DCAT.endDate: ("Fin", "End"),
    VCARD.fn: ("Nom", "Name"),
    VCARD.hasEmail: ("Courriel", "E-mail"),
    VCARD.hasURL: ("Site web", "Web site"),
    LOCN.geometry: ("Géométrie", "Geometry"),
    DCAT.bbox: ("Emprise", "Bounding box"),
    FOAF.name: ("Nom", "Name"),
    FOAF.page: ("Documentation", "Documentation"),
}
ORDER = {str(p): i for i, p in enumerate(P)}
HIDDEN = {str(RDF.type), str(DCAT.distribution)}


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None
    node: list[Field] | None = None  # a nested node (contact, period…) shown inline


@dataclass
class Field:
    label: str
    curie: str
    values: list[Value] = field(default_factory=list)


@dataclass
class Page:
    title: str
    description: str
    fields: list[Field]
    distributions: list[tuple[str, list[Field], str | None]]  # title, fields, download link
    jsonld: str


def _label(p: str, lang: str) -> str:
    pair = P.get(URIRef(p))
    return (pair[1] if lang == "en" else pair[0]) if pair else curie(p)


def _fields(graph: Graph, node: Any, vocab: Vocabularies, lang: str, depth: int = 0,
            skip: set[str] = HIDDEN) -> list[Field]:
    out: dict[str, Field] = {}
    for p, o in sorted(graph.predicate_objects(node), key=lambda po: str(po[1])):
        key = str(p)
        if key in skip:
            continue
        f = out.setdefault(key, Field(_label(key, lang), curie(key)))
        if isinstance(o, Literal):
            f.values.append(Value(literal_text(o, p, lang), lang=o.language))
        elif p == DCTERMS.publisher:  # its IRI is its page on this service
            f.values.append(Value(text(graph, o, FOAF.name, lang) or str(o),
                                  href=safe_href(o)))
        elif depth < 2 and (o, None, None) in graph and not vocab.label(str(o), lang):
            f.values.append(Value(_node_name(graph, o, lang), node=_fields(
                graph, o, vocab, lang, depth + 1, {str(RDF.type)})))
        else:
            iri = str(o)
            shown = vocab.label(iri, lang) or iri.removeprefix("mailto:")
            f.values.append(Value(shown, href=safe_href(iri)))
    return sorted(out.values(), key=lambda f: (ORDER.get(_iri_of(f), 999), f.curie))


_NUMBERS = {str(XSD[n]) for n in ("integer", "nonNegativeInteger", "positiveInteger", "long",
                                   "int", "decimal", "double", "float")}


def literal_text(value: Literal, p: Any, lang: str) -> str:
    """Numbers, dates and sizes the reader's way (« 61 440 octets (60 Kio) », « 5 déc. 2026 »);
    anything that does not parse is shown as written."""
    datatype = str(value.datatype or "")
    text = str(value)
    try:
        if p == DCAT.byteSize:
            size = int(float(text))
            unit = "bytes" if lang == "en" else "octets"
            shown = f"{formats.number(size, lang)} {unit}"
            for factor, name in ((1 << 30, "Gio"), (1 << 20, "Mio"), (1 << 10, "Kio")):
                if size >= factor:
                    short = formats.number(round(size / factor, 1), lang)
                    return f"{shown} ({short} {name.replace('io', 'iB') if lang == 'en' else name})"
            return shown
        if datatype in _NUMBERS:
            return formats.number(float(text) if "." in text else int(text), lang)
    except ValueError:
        return text
    if datatype == str(XSD.date):
        return formats.day(text, lang)
    if datatype == str(XSD.dateTime):
        return formats.moment(text, lang)
    return text


def _iri_of(f: Field) -> str:
    for p in P:
        if curie(str(p)) == f.curie:
            return str(p)
    return f.curie


def _node_name(graph: Graph, node: Any, lang: str) -> str:
    for p in (VCARD.fn, FOAF.name, DCTERMS.title):
        found = text(graph, node, p, lang)
        if found:
            return found
    return ""


def build(meta: RecordMeta, graph: Graph, vocab: Vocabularies, lang: str,
          publisher_name: str, url: str) -> Page:
    node = URIRef(meta.iri)
    fields = [f for f in _fields(graph, node, vocab, lang) if f.curie != "dct:title"]
    dists = []
    for d in sorted(graph.objects(node, DCAT.distribution), key=str):
        link = graph.value(d, DCAT.downloadURL) or graph.value(d, DCAT.accessURL)
        dists.append((text(graph, d, DCTERMS.title, lang) or str(link or d),
                      _fields(graph, d, vocab, lang), safe_href(link)))
    title = text(graph, node, DCTERMS.title, lang) or meta.id
    description = text(graph, node, DCTERMS.description, lang)
    return Page(title, description, fields, dists,
                schema_org(meta, graph, vocab, title, description, publisher_name, url))


def schema_org(meta: RecordMeta, graph: Graph, vocab: Vocabularies, title: str,
               description: str, publisher_name: str, url: str) -> str:
    """schema.org Dataset for search engines (Google Dataset Search reads this shape)."""
    node = URIRef(meta.iri)

    def iris(p, s=node) -> list[str]:
        return [str(o) for o in graph.objects(s, p) if isinstance(o, URIRef)]

    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Dataset", "@id": meta.iri,
        "name": title, "description": description, "url": url,
        "identifier": [str(i) for i in graph.objects(node, DCTERMS.identifier)],
        "keywords": sorted(str(k) for k in graph.objects(node, DCAT.keyword)),
        "publisher": {"@type": "Organization", "name": publisher_name},
        "dateModified": meta.modified, "isAccessibleForFree": True,
    }
    issued = graph.value(node, DCTERMS.issued)
    if issued is not None:
        data["datePublished"] = str(issued)
    licences = iris(DCTERMS.license) or [i for d in graph.objects(node, DCAT.distribution)
                                         for i in iris(DCTERMS.license, d)]
    if licences:
        data["license"] = licences[0]
    spatial = iris(DCTERMS.spatial)
    if spatial:
        data["spatialCoverage"] = [{"@type": "Place", "@id": s,
                                    "name": vocab.label(s) or s} for s in spatial]
    themes = [vocab.label(t) or t for t in iris(DCAT.theme)]
    if themes:
        data["about"] = themes
    downloads = []
    for d in graph.objects(node, DCAT.distribution):
        link = graph.value(d, DCAT.downloadURL) or graph.value(d, DCAT.accessURL)
        if link is None:
            continue
        item = {"@type": "DataDownload", "contentUrl": str(link)}
        fmt = graph.value(d, DCTERMS.format)
        if fmt is not None:
            item["encodingFormat"] = str(fmt).rsplit("/", 1)[-1]
        name = text(graph, d, DCTERMS.title)
        if name:
            item["name"] = name
        downloads.append(item)
    if downloads:
        data["distribution"] = downloads
    # Inside <script>: "</" must not appear, whatever a title says.
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")
