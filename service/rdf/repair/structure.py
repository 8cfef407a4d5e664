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

from collections.abc import Callable, Iterator
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
    view = _View(list(triples))
    for step in (_aliases, _range_types, _agents, _themes, _concept_labels, _empty_links,
                 _intervals, _source_records, _relations, _one_value):
        out = step(view, found)
        if out is not view.triples:  # a step that changes nothing returns the same list
            view = _View(out)
    return list(dict.fromkeys(view.triples)), found


_TYPE = str(RDF.type)
_THEME, _PREF_LABEL, _IN_SCHEME = f"{DCAT}theme", f"{SKOS}prefLabel", f"{SKOS}inScheme"
_CONCEPT, _AGENT, _FOAF_NAME = f"{SKOS}Concept", f"{FOAF}Agent", f"{FOAF}name"
_SOURCE, _PRIMARY_TOPIC = f"{DCT}source", f"{FOAF}primaryTopic"
_CATALOG_RECORD, _RELATIONSHIP = f"{DCAT}CatalogRecord", f"{DCAT}Relationship"
_RELATION, _HAD_ROLE = f"{DCT}relation", f"{DCAT}hadRole"
_QUALIFIED_RELATION, _SUBJECT, _KEYWORD = (f"{DCAT}qualifiedRelation", f"{DCT}subject",
                                           f"{DCAT}keyword")
_ONE_VALUE_PROPERTIES = frozenset(prop for _cls, prop in ONE_VALUE)


class _View:
    """A record's triples as the steps read them: each property IRI as text (a string per
    triple once, not per step), the properties present (a step with nothing to look at
    returns at once) and each node's classes. Most records need no structural repair, and
    these steps ran ten passes over every imported record (docs/benchmarks.md)."""

    __slots__ = ("triples", "preds", "present", "types")

    def __init__(self, triples: list[Triple]) -> None:
        self.triples = triples
        self.preds = [str(p) for _s, p, _o in triples]
        self.present = frozenset(self.preds)
        types: dict[Node, set[str]] = {}
        if _TYPE in self.present:
            for (s, _p, o), prop in zip(triples, self.preds, strict=True):
                if prop == _TYPE:
                    types.setdefault(s, set()).add(str(o))
        self.types = types

    def rows(self) -> Iterator[tuple[Node, str, Node]]:
        """(subject, property IRI, object), in the triples' order."""
        return ((s, prop, o) for (s, _p, o), prop in zip(self.triples, self.preds, strict=True))

    def copied_types(self) -> dict[Node, set[str]]:
        return {node: set(classes) for node, classes in self.types.items()}

    def values(self, props: tuple[str, ...]) -> dict[Node, Node]:
        """The first value of any of ``props`` per subject, in the order of ``props``."""
        out: dict[Node, Node] = {}
        for prop in props:
            if prop not in self.present:
                continue
            for s, p, o in self.rows():
                if p == prop and isinstance(o, Literal) and s not in out:
                    out[s] = o
        return out


def _aliases(view: _View, found: Found) -> list[Triple]:
    added: list[Triple] = []
    for node, classes in view.types.items():
        if classes.isdisjoint(CLASS_ALIASES):
            continue
        for cls in sorted(classes):
            target = CLASS_ALIASES.get(cls)
            if target and target not in classes:
                added.append((node, RDF.type, _U(target)))
                found.add(node, _TYPE, _U(cls), _U(target), "class-alias")
    return view.triples + added if added else view.triples


def _range_types(view: _View, found: Found) -> list[Triple]:
    if view.present.isdisjoint(RANGE_TYPES):
        return view.triples
    types = view.copied_types()
    added: list[Triple] = []
    for _s, p, o in view.rows():
        spec = RANGE_TYPES.get(p)
        if spec is None or not isinstance(o, URIRef) or types.get(o):
            continue
        cls, kind = spec
        if kind and str(o) in tables()[kind].known:
            continue  # Socle's vocabularies type it
        types[o] = {cls}
        added.append((o, RDF.type, _U(cls)))
        found.add(o, _TYPE, None, _U(cls), "range-type")
    return view.triples + added if added else view.triples


def _agents(view: _View, found: Found) -> list[Triple]:
    if view.present.isdisjoint(AGENT_LINKS):
        return view.triples
    types = view.copied_types()
    names = view.values((_FOAF_NAME,))
    vcard = view.values(VCARD_NAMES)
    added: list[Triple] = []
    for _s, p, o in view.rows():
        if p not in AGENT_LINKS or isinstance(o, Literal) or _AGENT in types.get(o, set()):
            continue
        if types.get(o, set()) & AGENT_CLASSES:  # foaf:Organization or foaf:Person only
            types[o].add(_AGENT)  # (shapes read without the FOAF ontology)
            added.append((o, RDF.type, _U(_AGENT)))
            found.add(o, _TYPE, None, _U(_AGENT), "agent-class")
            continue
        if o not in vcard:
            continue
        types.setdefault(o, set()).add(_AGENT)
        added.append((o, RDF.type, _U(_AGENT)))
        found.add(o, _TYPE, None, _U(_AGENT), "agent")
        if o not in names:
            added.append((o, _U(_FOAF_NAME), vcard[o]))
            names[o] = vcard[o]
    return view.triples + added if added else view.triples


def _themes(view: _View, found: Found) -> list[Triple]:
    """A theme IRI of a vocabulary Socle does not hold (EuroVoc, a national one): a shared
    IRI no record may label (catalog/ownership.py), so its concept could not carry the label
    DCAT-AP asks for. Kept as ``dct:subject`` (dcat:theme is its sub-property), its label in
    the record as a keyword; what the record said about the IRI is left out, except that a
    concept of the INSPIRE theme scheme named by an INSPIRE theme's label is that theme: its
    registry IRI is the subject (repair/themes.py)."""
    if _THEME not in view.present:
        return view.triples
    known = tables()["theme"].known
    moved = {o for _s, p, o in view.rows() if p == _THEME and isinstance(o, URIRef)
             and str(o) not in known}
    if not moved:
        return view.triples
    labels = {s: o for s, p, o in view.rows() if s in moved and p == _PREF_LABEL}
    inspire = {s: _U(iri) for s, p, o in view.rows()
               if s in moved and p == _IN_SCHEME and str(o) in themes.INSPIRE_SCHEMES
               and s in labels and (iri := themes.inspire_theme(str(labels[s])))}
    out: list[Triple] = []
    for (s, pred, o), prop in zip(view.triples, view.preds, strict=True):
        if s in moved:
            continue
        if prop == _THEME and o in moved:
            out.append((s, _U(_SUBJECT), inspire.get(o, o)))
            found.add(s, _THEME, o, None, "theme-subject")
            if o in inspire:
                found.add(s, _SUBJECT, o, inspire[o], "theme-inspire")
            if o in labels:
                out.append((s, _U(_KEYWORD), labels[o]))
            continue
        out.append((s, pred, o))
    return out


def _concept_labels(view: _View, found: Found) -> list[Triple]:
    concepts = {n for n, c in view.types.items() if _CONCEPT in c}
    if not concepts:
        return view.triples
    labelled = {s for s, p, _o in view.rows() if p == _PREF_LABEL}
    unlabelled = concepts - labelled
    if not unlabelled:
        return view.triples
    names = view.values(CONCEPT_NAMES)
    added: list[Triple] = []
    for node in sorted(unlabelled, key=str):
        if node in names:
            added.append((node, _U(_PREF_LABEL), names[node]))
            found.add(node, _PREF_LABEL, None, names[node], "concept-label")
    return view.triples + added if added else view.triples


def _empty_links(view: _View, found: Found) -> list[Triple]:
    if view.present.isdisjoint(EMPTY_DROPPED):
        return view.triples
    subjects = {s for s, _p, _o in view.triples}
    if not any(p in EMPTY_DROPPED and isinstance(o, BNode) and o not in subjects
               for _s, p, o in view.rows()):
        return view.triples
    out = []
    for (s, pred, o), prop in zip(view.triples, view.preds, strict=True):
        if prop in EMPTY_DROPPED and isinstance(o, BNode) and o not in subjects:
            found.add(s, prop, o, None, "empty-dropped")
            continue
        out.append((s, pred, o))
    return out


def _intervals(view: _View, found: Found) -> list[Triple]:
    if view.present.isdisjoint(INTERVALS):
        return view.triples
    out = []
    changed = False
    for (s, pred, o), prop in zip(view.triples, view.preds, strict=True):
        if prop in INTERVALS and isinstance(o, Literal) and str(o).count("/") == 1:
            start, end = (values.repair_date(Literal(x)) for x in str(o).split("/"))
            if start is not None and end is not None:
                node = BNode()
                out += [(s, pred, node), (node, RDF.type, _U(f"{DCT}PeriodOfTime")),
                        (node, _U(f"{DCAT}startDate"), start),
                        (node, _U(f"{DCAT}endDate"), end)]
                found.add(s, prop, o, node, "interval")
                changed = True
                continue
        out.append((s, pred, o))
    return out if changed else view.triples


def _source_records(view: _View, found: Found) -> list[Triple]:
    """GeoDCAT-AP's source metadata record (``dct:source`` of a catalogue record, itself a
    dcat:CatalogRecord) describes the same resource: it gets the same foaf:primaryTopic."""
    if _SOURCE not in view.present or _PRIMARY_TOPIC not in view.present:
        return view.triples
    types = view.types
    topic = {s: o for s, p, o in view.rows() if p == _PRIMARY_TOPIC}
    added: list[Triple] = []
    for s, p, o in view.rows():
        if (p == _SOURCE and s in topic and o not in topic
                and _CATALOG_RECORD in types.get(o, set())):
            topic[o] = topic[s]
            added.append((o, _U(_PRIMARY_TOPIC), topic[s]))
            found.add(o, _PRIMARY_TOPIC, None, topic[s], "source-record")
    return view.triples + added if added else view.triples


def _relations(view: _View, found: Found) -> list[Triple]:
    types = view.types
    if not any(_RELATIONSHIP in c for c in types.values()):
        return view.triples
    props: dict[Node, dict[str, list[Node]]] = {}
    for s, p, o in view.rows():
        props.setdefault(s, {}).setdefault(p, []).append(o)
    plain: dict[Node, Node] = {}  # Relationship node → its target, when it can be plain
    for node, given in props.items():
        targets, roles = given.get(_RELATION, []), given.get(_HAD_ROLE, [])
        if (_RELATIONSHIP in types.get(node, set()) and isinstance(node, BNode)
                and len(targets) == 1 and isinstance(targets[0], URIRef)
                and not types.get(targets[0], set()) & DCAT_RESOURCES
                and roles and {str(r) for r in roles} <= GENERIC_ROLES
                and set(given) <= {_TYPE, _RELATION, _HAD_ROLE}):
            plain[node] = targets[0]
    if not plain:
        return view.triples
    out: list[Triple] = []
    for (s, pred, o), prop in zip(view.triples, view.preds, strict=True):
        if s in plain:
            continue
        if prop == _QUALIFIED_RELATION and o in plain:
            out.append((s, _U(_RELATION), plain[o]))
            found.add(s, prop, o, plain[o], "relation-unqualified")
            continue
        out.append((s, pred, o))
    return out


def _one_value(view: _View, found: Found) -> list[Triple]:
    if view.present.isdisjoint(_ONE_VALUE_PROPERTIES):
        return view.triples
    # only a subject with two values of one such property can need a repair
    counts: dict[tuple[Node, str], int] = {}
    for s, p, _o in view.rows():
        if p in _ONE_VALUE_PROPERTIES:
            counts[(s, p)] = counts.get((s, p), 0) + 1
    if all(n < 2 for n in counts.values()):
        return view.triples
    triples = view.triples
    types = view.copied_types()
    for _s, p, o in view.rows():  # the class a value has by its property's range
        cls = RANGE_CLASSES.get(p)
        if cls is not None and not isinstance(o, Literal):
            types.setdefault(o, set()).add(cls)
    groups: dict[tuple[Node, str, str], list[Node]] = {}
    for s, p, o in view.rows():
        for cls in types.get(s, ()):
            if (cls, p) in ONE_VALUE:
                groups.setdefault((s, cls, p), []).append(o)
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
    if not drop and not added:
        return triples
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

