"""Repairs of a record's structure (after the value repairs of engine.py): nodes that say what
they are in another way than DCAT-AP asks, and more values than DCAT-AP allows.

Why: real exports (GeoNetwork, ckanext-dcat, udata, datos.gob.es) describe a licence, an
access right or an agent without the class DCAT-AP's range asks for, type distributions with
the DCAT 2011 subclasses, give one place its geometry in three encodings, or name a catalogue
record's source record without its primary topic. Their meaning is clear; each repair here is
driven by the tables below (no per-case code paths) and reported like the value repairs.

What needs a decision (the value cannot be kept as it is) is said in docs/harvest.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from service.rdf.namespaces import DCAT, FOAF, GSP, LOCN, SKOS, VCARD
from service.rdf.namespaces import DCTERMS as DCT
from service.rdf.repair import themes, values
from service.rdf.repair.tables import tables

Triple = tuple[Node, Node, Node]
IANA = "https://www.iana.org/assignments/media-types/"
_U = URIRef

# Classes of older DCAT drafts or other vocabularies → the DCAT-AP class also given.
CLASS_ALIASES: dict[str, str] = {
    f"{DCAT}Download": f"{DCAT}Distribution",
    f"{DCAT}WebService": f"{DCAT}Distribution",
    f"{DCAT}Feed": f"{DCAT}Distribution",
}
# Property → class its IRI values have by the property's range (RDFS entailment), added when
# the record does not type the value and the value is not in Socle's tables (table kind).
RANGE_TYPES: dict[str, tuple[str, str | None]] = {
    f"{DCT}license": (f"{DCT}LicenseDocument", "licence"),
    f"{DCT}accessRights": (f"{DCT}RightsStatement", "access-right"),
}
# Agent links: a value described only as a vCard (udata's contacts) is also a foaf:Agent,
# named by its vCard name.
AGENT_LINKS = (f"{DCT}creator", f"{DCT}publisher", f"{DCT}rightsHolder")
AGENT_CLASSES = frozenset({f"{FOAF}Agent", f"{FOAF}Organization", f"{FOAF}Person"})
VCARD_NAMES = (f"{VCARD}fn", f"{VCARD}organization-name")
# Other names a skos:Concept of the record may carry instead of skos:prefLabel.
CONCEPT_NAMES = (f"{DCT}title", str(RDFS.label), f"{SKOS}altLabel")
# Nodes that must have one value where sources give several: (class, property) → the order
# of preference (a function of the value, lowest first). Geometries: WKT, then GeoJSON, then
# GML (DCAT-AP's examples and data.gouv.fr read WKT and GeoJSON).
_GEO_ORDER = {f"{GSP}wktLiteral": 0, f"{IANA}application/vnd.geo+json": 1,
              f"{GSP}geoJSONLiteral": 1, f"{GSP}gmlLiteral": 2}


def _geo_rank(value: Node) -> tuple[int, str]:
    datatype = str(value.datatype) if isinstance(value, Literal) and value.datatype else ""
    return _GEO_ORDER.get(datatype, 3), str(value)


def _format_rank(value: Node) -> tuple[int, str]:
    known = tables()["file-type"].known
    return (0 if str(value) in known else 1 if isinstance(value, URIRef) else 2), str(value)


def _first(value: Node) -> tuple[int, str]:
    return 0, str(value)


ONE_VALUE: dict[tuple[str, str], Callable[[Node], tuple[int, str]]] = {
    (f"{DCT}Location", f"{LOCN}geometry"): _geo_rank,
    (f"{DCT}Location", f"{DCAT}bbox"): _geo_rank,
    (f"{DCT}Location", f"{DCAT}centroid"): _geo_rank,
    (f"{DCAT}Distribution", f"{DCT}format"): _format_rank,
    (f"{DCAT}CatalogRecord", f"{DCT}conformsTo"): _first,
}
# Values that are of a class by their property's range, untyped or not (what the feed's
# enrichment and DCAT-AP's shapes take them for).
RANGE_CLASSES: dict[str, str] = {f"{DCT}spatial": f"{DCT}Location",
                                 f"{DCAT}distribution": f"{DCAT}Distribution"}
# An extra value of (class, property) that can move to another property instead of being
# dropped: a second format that is a media type becomes the distribution's dcat:mediaType.
MOVE_EXTRA: dict[tuple[str, str], str] = {
    (f"{DCAT}Distribution", f"{DCT}format"): f"{DCAT}mediaType",
}
# Links whose value is a blank node saying nothing (an empty element in the source) are
# dropped; a text period "start/end" (ISO 8601 interval) becomes a dct:PeriodOfTime.
EMPTY_DROPPED = (f"{DCT}temporal", f"{DCT}spatial", f"{DCAT}contactPoint", f"{DCT}publisher",
                 f"{DCT}conformsTo", f"{DCAT}distribution")
INTERVALS = (f"{DCT}temporal",)
# A qualified relation with the generic role "related" (IANA link relations) says no more than
# dct:relation: when its target is described nowhere in the record (DCAT-AP's shapes ask the
# target of a dcat:Relationship to be a described catalogue, dataset or service), it is given
# as the plain dct:relation it qualifies (DCAT-AP 3: range rdfs:Resource, no class).
GENERIC_ROLES = frozenset({"http://www.iana.org/assignments/relation/related",
                           "https://www.iana.org/assignments/relation/related"})
DCAT_RESOURCES = frozenset({f"{DCAT}Catalog", f"{DCAT}Dataset", f"{DCAT}DataService",
                            f"{DCAT}DatasetSeries", f"{DCAT}Resource"})


# kind → (French, English) description of the repair, shown with the values.
MESSAGES: dict[str, tuple[str, str]] = {
    "class-alias": ("classe d'une ancienne version de DCAT : la classe DCAT-AP est ajoutée",
                    "class of an older DCAT draft: the DCAT-AP class is added"),
    "range-type": ("valeur typée avec la classe que sa propriété implique (rdfs:range)",
                   "value typed with the class its property implies (rdfs:range)"),
    "agent": ("contact vCard donné comme agent : déclaré foaf:Agent, nommé par son nom vCard",
              "vCard contact given as an agent: declared foaf:Agent, named by its vCard name"),
    "theme-subject": ("thème d'un vocabulaire que Socle ne connaît pas : gardé comme sujet "
                      "(dct:subject), son libellé comme mot-clé",
                      "theme of a vocabulary Socle does not know: kept as subject "
                      "(dct:subject), its label as a keyword"),
    "theme-inspire": ("thème INSPIRE donné sous un IRI de la source (concept du schéma des "
                      "thèmes INSPIRE, nommé par le libellé du thème) : remplacé par l'IRI du "
                      "registre INSPIRE", "INSPIRE theme given under an IRI of the source "
                      "(concept of the INSPIRE theme scheme, named by the theme's label): "
                      "replaced by the INSPIRE registry IRI"),
    "relation-unqualified": ("relation qualifiée de rôle générique « related » vers une ressource "
                             "décrite nulle part : donnée comme simple lien dct:relation",
                             "qualified relation with the generic role \"related\" to a resource "
                             "described nowhere: given as a plain dct:relation link"),
    "agent-class": ("agent typé seulement foaf:Organization ou foaf:Person : déclaré aussi "
                    "foaf:Agent", "agent typed only foaf:Organization or foaf:Person: also "
                    "declared foaf:Agent"),
    "concept-label": ("concept sans skos:prefLabel : libellé repris de son titre ou nom",
                      "concept without skos:prefLabel: label taken from its title or name"),
    "empty-dropped": ("lien vers un nœud vide (qui ne dit rien) retiré",
                      "link to an empty node (that says nothing) removed"),
    "interval": ("période donnée en texte (début/fin ISO 8601) décrite comme dct:PeriodOfTime",
                 "period given as text (ISO 8601 start/end) described as dct:PeriodOfTime"),
    "source-record": ("fiche source sans sujet principal : même sujet que la fiche qu'elle "
                      "décrit", "source record without primary topic: same topic as the "
                      "record it is the source of"),
    "moved-media-type": ("second format, un type de média : déplacé en dcat:mediaType",
                         "second format, a media type: moved to dcat:mediaType"),
    "extra-dropped": ("valeur en trop retirée (DCAT-AP n'en permet qu'une ; la préférée est "
                      "gardée)", "extra value removed (DCAT-AP allows one; the preferred one "
                      "is kept)"),
}


@dataclass
class Found:
    """One structural repair: (node, property IRI, before, after, kind) for engine.Repair."""

    changes: list[tuple[Node, str, Node | None, Node | None, str]] = field(default_factory=list)

    def add(self, node: Node, prop: str, before: Node | None, after: Node | None,
            kind: str) -> None:
        self.changes.append((node, prop, before, after, kind))


def repair_structure(triples: list[Triple], root: Node | None) -> tuple[list[Triple], Found]:
    """The triples with the structural repairs made, and what was done."""
    found = Found()
    out = list(triples)
    for step in (_aliases, _range_types, _agents, _themes, _concept_labels, _empty_links,
                 _intervals, _source_records, _relations, _one_value):
        out = step(out, found)
    return list(dict.fromkeys(out)), found


_RDF_TYPE = RDF.type  # a namespace lookup costs more than the comparison (6 passes a record)


def _types(triples: list[Triple]) -> dict[Node, set[str]]:
    out: dict[Node, set[str]] = {}
    for s, p, o in triples:
        if p == _RDF_TYPE:
            out.setdefault(s, set()).add(str(o))
    return out


def _aliases(triples: list[Triple], found: Found) -> list[Triple]:
    types = _types(triples)
    added = []
    for node, classes in types.items():
        for cls in sorted(classes):
            target = CLASS_ALIASES.get(cls)
            if target and target not in classes:
                added.append((node, RDF.type, _U(target)))
                found.add(node, str(RDF.type), _U(cls), _U(target), "class-alias")
    return triples + added


def _range_types(triples: list[Triple], found: Found) -> list[Triple]:
    types = _types(triples)
    added = []
    for _s, p, o in triples:
        spec = RANGE_TYPES.get(str(p))
        if spec is None or not isinstance(o, URIRef) or types.get(o):
            continue
        cls, kind = spec
        if kind and str(o) in tables()[kind].known:
            continue  # Socle's vocabularies type it
        types[o] = {cls}
        added.append((o, RDF.type, _U(cls)))
        found.add(o, str(RDF.type), None, _U(cls), "range-type")
    return triples + added


def _agents(triples: list[Triple], found: Found) -> list[Triple]:
    types = _types(triples)
    names = _values(triples, (f"{FOAF}name",))
    vcard = _values(triples, VCARD_NAMES)
    added: list[Triple] = []
    for _s, p, o in triples:
        if str(p) not in AGENT_LINKS or isinstance(o, Literal) or \
                f"{FOAF}Agent" in types.get(o, set()):
            continue
        if types.get(o, set()) & AGENT_CLASSES:  # foaf:Organization or foaf:Person only
            types[o].add(f"{FOAF}Agent")  # (shapes read without the FOAF ontology)
            added.append((o, RDF.type, _U(f"{FOAF}Agent")))
            found.add(o, str(RDF.type), None, _U(f"{FOAF}Agent"), "agent-class")
            continue
        if o not in vcard:
            continue
        types.setdefault(o, set()).add(f"{FOAF}Agent")
        added.append((o, RDF.type, _U(f"{FOAF}Agent")))
        found.add(o, str(RDF.type), None, _U(f"{FOAF}Agent"), "agent")
        if o not in names:
            added.append((o, _U(f"{FOAF}name"), vcard[o]))
            names[o] = vcard[o]
    return triples + added


def _values(triples: list[Triple], props: tuple[str, ...]) -> dict[Node, Node]:
    """The first value of any of ``props`` per subject, in the order of ``props``."""
    out: dict[Node, Node] = {}
    for prop in props:
        for s, p, o in triples:
            if str(p) == prop and isinstance(o, Literal) and s not in out:
                out[s] = o
    return out


def _themes(triples: list[Triple], found: Found) -> list[Triple]:
    """A theme IRI of a vocabulary Socle does not hold (EuroVoc, a national one): a shared
    IRI no record may label (catalog/ownership.py), so its concept could not carry the label
    DCAT-AP asks for. Kept as ``dct:subject`` (dcat:theme is its sub-property), its label in
    the record as a keyword; what the record said about the IRI is left out, except that a
    concept of the INSPIRE theme scheme named by an INSPIRE theme's label is that theme: its
    registry IRI is the subject (repair/themes.py)."""
    known = tables()["theme"].known
    moved = {o for _s, p, o in triples if str(p) == f"{DCAT}theme" and isinstance(o, URIRef)
             and str(o) not in known}
    if not moved:
        return triples
    labels = {s: o for s, p, o in triples if s in moved and str(p) == f"{SKOS}prefLabel"}
    inspire = {s: _U(iri) for s, p, o in triples
               if s in moved and str(p) == f"{SKOS}inScheme" and str(o) in themes.INSPIRE_SCHEMES
               and s in labels and (iri := themes.inspire_theme(str(labels[s])))}
    out: list[Triple] = []
    for s, p, o in triples:
        if s in moved:
            continue
        if str(p) == f"{DCAT}theme" and o in moved:
            out.append((s, _U(f"{DCT}subject"), inspire.get(o, o)))
            found.add(s, f"{DCAT}theme", o, None, "theme-subject")
            if o in inspire:
                found.add(s, f"{DCT}subject", o, inspire[o], "theme-inspire")
            if o in labels:
                out.append((s, _U(f"{DCAT}keyword"), labels[o]))
            continue
        out.append((s, p, o))
    return out


def _concept_labels(triples: list[Triple], found: Found) -> list[Triple]:
    types = _types(triples)
    concepts = {n for n, c in types.items() if f"{SKOS}Concept" in c}
    labelled = {s for s, p, _o in triples if str(p) == f"{SKOS}prefLabel"}
    names = _values(triples, CONCEPT_NAMES)
    added = []
    for node in sorted(concepts - labelled, key=str):
        if node in names:
            added.append((node, _U(f"{SKOS}prefLabel"), names[node]))
            found.add(node, f"{SKOS}prefLabel", None, names[node], "concept-label")
    return triples + added


def _empty_links(triples: list[Triple], found: Found) -> list[Triple]:
    subjects = {s for s, _p, _o in triples}
    out = []
    for s, p, o in triples:
        if str(p) in EMPTY_DROPPED and isinstance(o, BNode) and o not in subjects:
            found.add(s, str(p), o, None, "empty-dropped")
            continue
        out.append((s, p, o))
    return out


def _intervals(triples: list[Triple], found: Found) -> list[Triple]:
    out = []
    for s, p, o in triples:
        if str(p) in INTERVALS and isinstance(o, Literal) and str(o).count("/") == 1:
            start, end = (values.repair_date(Literal(x)) for x in str(o).split("/"))
            if start is not None and end is not None:
                node = BNode()
                out += [(s, p, node), (node, RDF.type, _U(f"{DCT}PeriodOfTime")),
                        (node, _U(f"{DCAT}startDate"), start),
                        (node, _U(f"{DCAT}endDate"), end)]
                found.add(s, str(p), o, node, "interval")
                continue
        out.append((s, p, o))
    return out


def _source_records(triples: list[Triple], found: Found) -> list[Triple]:
    """GeoDCAT-AP's source metadata record (``dct:source`` of a catalogue record, itself a
    dcat:CatalogRecord) describes the same resource: it gets the same foaf:primaryTopic."""
    types = _types(triples)
    topic = {s: o for s, p, o in triples if str(p) == f"{FOAF}primaryTopic"}
    added = []
    for s, p, o in triples:
        if (str(p) == f"{DCT}source" and s in topic and o not in topic
                and f"{DCAT}CatalogRecord" in types.get(o, set())):
            topic[o] = topic[s]
            added.append((o, _U(f"{FOAF}primaryTopic"), topic[s]))
            found.add(o, f"{FOAF}primaryTopic", None, topic[s], "source-record")
    return triples + added


def _relations(triples: list[Triple], found: Found) -> list[Triple]:
    types = _types(triples)
    props: dict[Node, dict[str, list[Node]]] = {}
    for s, p, o in triples:
        props.setdefault(s, {}).setdefault(str(p), []).append(o)
    plain: dict[Node, Node] = {}  # Relationship node → its target, when it can be plain
    for node, given in props.items():
        targets, roles = given.get(f"{DCT}relation", []), given.get(f"{DCAT}hadRole", [])
        if (f"{DCAT}Relationship" in types.get(node, set()) and isinstance(node, BNode)
                and len(targets) == 1 and isinstance(targets[0], URIRef)
                and not types.get(targets[0], set()) & DCAT_RESOURCES
                and roles and {str(r) for r in roles} <= GENERIC_ROLES
                and set(given) <= {str(RDF.type), f"{DCT}relation", f"{DCAT}hadRole"}):
            plain[node] = targets[0]
    if not plain:
        return triples
    out: list[Triple] = []
    for s, p, o in triples:
        if s in plain:
            continue
        if str(p) == f"{DCAT}qualifiedRelation" and o in plain:
            out.append((s, _U(f"{DCT}relation"), plain[o]))
            found.add(s, str(p), o, plain[o], "relation-unqualified")
            continue
        out.append((s, p, o))
    return out


def _one_value(triples: list[Triple], found: Found) -> list[Triple]:
    types = _types(triples)
    for _s, p, o in triples:  # the class a value has by its property's range
        cls = RANGE_CLASSES.get(str(p))
        if cls is not None and not isinstance(o, Literal):
            types.setdefault(o, set()).add(cls)
    groups: dict[tuple[Node, str, str], list[Node]] = {}
    for s, p, o in triples:
        for cls in types.get(s, ()):
            if (cls, str(p)) in ONE_VALUE:
                groups.setdefault((s, cls, str(p)), []).append(o)
    drop: set[Triple] = set()
    added: list[Triple] = []
    for (s, cls, prop), vals in groups.items():
        if len(set(vals)) < 2:
            continue
        ordered = sorted(set(vals), key=ONE_VALUE[(cls, prop)])
        move = MOVE_EXTRA.get((cls, prop))
        for extra in ordered[1:]:
            drop.add((s, _U(prop), extra))
            media = _media_type(extra, triples) if move else None
            if media is not None and move and not any(t[0] == s and str(t[1]) == move
                                                      for t in triples + added):
                added += [(s, _U(move), media), (media, RDF.type, _U(f"{DCT}MediaType"))]
                found.add(s, prop, extra, media, "moved-media-type")
            else:
                found.add(s, prop, extra, None, "extra-dropped")
    return [t for t in triples if t not in drop] + added


def _media_type(value: Node, triples: list[Triple]) -> URIRef | None:
    """The IANA IRI of a format value that names a media type (``text/csv``), if it does."""
    text = str(value)
    if not isinstance(value, Literal):
        names = [str(o) for s, p, o in triples if s == value and p in (RDFS.label, RDF.value)
                 and isinstance(o, Literal)]
        text = next((n for n in names if "/" in n), "")
    text = text.strip().lower()
    if "/" in text and " " not in text and not text.startswith(("http:", "https:")):
        return _U(IANA + text)
    return None

