"""The repair step: mechanical fixes of a record's triples before validation, each reported.

Why a step of its own: real catalogues (udata, CKAN, GeoNetwork exports) state most values
right but in the wrong form: a format as the text "CSV", a landing page as a string, a
checksum as plain hex, a theme as its French label, a date as "15/01/2020". Those are refused
by DCAT-AP's ranges though their meaning is clear. Repairing them here, before validation,
keeps the records that only had such defects, and every change is reported (property, value
before, value after) so that the publisher can fix the source. What cannot be repaired is left
as it was for validation to report.

Pure: triples in, triples and repairs out; nothing read but the vocabulary tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from service.rdf.repair import structure, values
from service.rdf.repair.tables import iso639_1, tables

Triple = tuple[Node, Node, Node]
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
SPDX = "http://spdx.org/rdf/terms#"
ADMS = "http://www.w3.org/ns/adms#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
IANA = "https://www.iana.org/assignments/media-types/"
_MEDIA_TYPE = URIRef(f"{DCT}MediaType")
_MEDIA_TYPE_OR_EXTENT = URIRef(f"{DCT}MediaTypeOrExtent")
_KEYWORD = URIRef(f"{DCAT}keyword")
_ACCESS_URL, _DOWNLOAD_URL = URIRef(f"{DCAT}accessURL"), URIRef(f"{DCAT}downloadURL")
_LANGUAGE = URIRef(f"{DCT}language")
_VCARD_KIND = URIRef(f"{VCARD}Kind")
_RDF_TYPE = URIRef(str(RDF.type))
# Text where DCAT-AP wants a described resource: (class, property naming it) of the node made.
STATEMENTS: dict[str, tuple[str, str]] = {
    f"{DCT}rights": (f"{DCT}RightsStatement", str(RDFS.label)),
    f"{DCT}provenance": (f"{DCT}ProvenanceStatement", str(RDFS.label)),
    f"{DCT}conformsTo": (f"{DCT}Standard", str(RDFS.label)),
    f"{DCT}spatial": (f"{DCT}Location", "http://www.w3.org/ns/locn#geographicName"),
    f"{DCT}type": (f"{SKOS}Concept", f"{SKOS}prefLabel"),
    f"{ADMS}identifier": (f"{ADMS}Identifier", f"{SKOS}notation"),
    f"{DCT}accessRights": (f"{DCT}RightsStatement", str(RDFS.label)),
    f"{DCT}license": (f"{DCT}LicenseDocument", str(RDFS.label)),
}
# Names a blank node may give its value by (a format as [ rdfs:label "CSV" ]).
_NAMES = frozenset({RDFS.label, RDF.value, URIRef(f"{SKOS}prefLabel"), URIRef(f"{DCT}title")})
# One-element sets: membership hashes in C and compares only on a hash match, where ``==``
# on rdflib terms is a Python call per triple (these run over every triple of every record).
_TYPE_ONLY, _LANGUAGE_ONLY = frozenset({_RDF_TYPE}), frozenset({_LANGUAGE})
_ACCESS_ONLY, _DOWNLOAD_ONLY = frozenset({_ACCESS_URL}), frozenset({_DOWNLOAD_URL})

# property → kind of repair (the handlers below); the prefixed name is what reports show.
PROPERTIES: dict[str, tuple[str, str]] = {
    f"{DCT}format": ("file-type", "dct:format"),
    f"{DCAT}compressFormat": ("media-type", "dcat:compressFormat"),
    f"{DCAT}packageFormat": ("media-type", "dcat:packageFormat"),
    f"{DCAT}mediaType": ("media-type", "dcat:mediaType"),
    f"{DCAT}theme": ("theme", "dcat:theme"),
    f"{DCT}accrualPeriodicity": ("frequency", "dct:accrualPeriodicity"),
    f"{DCT}language": ("language", "dct:language"),
    f"{DCT}license": ("licence", "dct:license"),
    f"{DCT}accessRights": ("access-right", "dct:accessRights"),
    f"{DCAT}accessURL": ("url", "dcat:accessURL"),
    f"{DCAT}downloadURL": ("url", "dcat:downloadURL"),
    f"{DCAT}landingPage": ("url", "dcat:landingPage"),
    f"{DCAT}endpointURL": ("url", "dcat:endpointURL"),
    f"{DCAT}endpointDescription": ("url", "dcat:endpointDescription"),
    f"{FOAF}page": ("url", "foaf:page"),
    f"{FOAF}homepage": ("url", "foaf:homepage"),
    f"{DCT}conformsTo": ("standard", "dct:conformsTo"),
    f"{DCT}issued": ("date", "dct:issued"),
    f"{DCT}modified": ("date", "dct:modified"),
    f"{DCAT}startDate": ("date", "dcat:startDate"),
    f"{DCAT}endDate": ("date", "dcat:endDate"),
    f"{SPDX}checksumValue": ("hex", "spdx:checksumValue"),
    f"{DCAT}byteSize": ("integer", "dcat:byteSize"),
    f"{DCT}identifier": ("literal", "dct:identifier"),
    f"{DCAT}contactPoint": ("contact", "dcat:contactPoint"),
    f"{ADMS}sample": ("sample", "adms:sample"),
    f"{DCT}rights": ("statement", "dct:rights"),
    f"{DCT}provenance": ("statement", "dct:provenance"),
    f"{DCT}spatial": ("statement", "dct:spatial"),
    f"{DCT}type": ("statement", "dct:type"),
    f"{ADMS}identifier": ("statement", "adms:identifier"),
    f"{DCT}title": ("text", "dct:title"),
    f"{DCT}description": ("text", "dct:description"),
}
_BY_PROPERTY = {URIRef(p): v for p, v in PROPERTIES.items()}

# kind → (French, English) description of the repair, shown with the values.
MESSAGES: dict[str, tuple[str, str]] = {
    "file-type": ("format remplacé par le type de fichier du vocabulaire européen",
                  "format replaced by the EU file type"),
    "file-type-node": ("format inconnu des vocabulaires : décrit comme un format "
                       "(dct:MediaTypeOrExtent) portant ce nom",
                       "format unknown to the vocabularies: described as a format "
                       "(dct:MediaTypeOrExtent) with that name"),
    "media-type": ("type de média remplacé par l'IRI du registre IANA",
                   "media type replaced by the IANA registry IRI"),
    "theme": ("thème remplacé par le thème du vocabulaire européen",
              "theme replaced by the EU data theme"),
    "theme-keyword": ("thème inconnu du vocabulaire européen : gardé comme mot-clé",
                      "theme unknown to the EU vocabulary: kept as a keyword"),
    "frequency": ("fréquence remplacée par la fréquence du vocabulaire européen",
                  "frequency replaced by the EU frequency"),
    "language": ("langue remplacée par la langue du vocabulaire européen",
                 "language replaced by the EU language"),
    "licence": ("licence remplacée par l'IRI de la licence connue",
                "licence replaced by the known licence IRI"),
    "access-right": ("droit d'accès remplacé par le droit d'accès du vocabulaire européen",
                     "access right replaced by the EU access right"),
    "url": ("adresse donnée en texte remplacée par une IRI", "URL given as text made an IRI"),
    "date": ("date remise au format XML Schema (xsd:date, xsd:dateTime, xsd:gYear…)",
             "date put in XML Schema form (xsd:date, xsd:dateTime, xsd:gYear…)"),
    "date-dropped": ("date vide ou illisible retirée", "empty or unreadable date removed"),
    "hex": ("somme de contrôle typée xsd:hexBinary", "checksum typed xsd:hexBinary"),
    "text": ("texte étiqueté avec la langue déclarée par la source",
             "text tagged with the language the source declares"),
    "statement": ("texte décrit comme une ressource de la classe attendue (le texte en est "
                  "le nom)", "text described as a resource of the expected class (the text is "
                  "its name)"),
    "sample": ("échantillon non typé déclaré distribution (dcat:Distribution)",
               "untyped sample declared a distribution (dcat:Distribution)"),
    "contact": ("point de contact déclaré vcard:Kind (classe que DCAT-AP demande)",
                "contact point declared vcard:Kind (the class DCAT-AP asks for)"),
    "integer": ("taille en octets remise en nombre entier (xsd:nonNegativeInteger)",
                "byte size put as a whole number (xsd:nonNegativeInteger)"),
    "literal": ("identifiant donné en lien remis en texte", "identifier given as a link made text"),
    "access-url": ("adresse d'accès (dcat:accessURL) reprise de l'adresse de téléchargement",
                   "access URL (dcat:accessURL) copied from the download URL"),
    "url-dropped": ("adresse qui n'en est pas une (étiquette de nœud anonyme « _:… ») retirée",
                    "URL that is none (a blank node label '_:…') removed"),
    "iri-encoded": ("IRI contenant des espaces (interdits dans une IRI) : espaces encodés en "
                    "%20", "IRI containing spaces (not allowed in an IRI): spaces "
                    "percent-encoded as %20"),
    "resource-text": ("élément RDF/XML portant un lien (rdf:resource) et un texte, ce que "
                      "RDF/XML interdit : le lien est gardé, le texte ignoré",
                      "RDF/XML element with both a link (rdf:resource) and text, which RDF/XML "
                      "does not allow: the link is kept, the text ignored"),
    **structure.MESSAGES,
}


@dataclass(frozen=True)
class Repair:
    """One change: on which node, which property, the value before and after (None: dropped
    or added)."""

    node: str
    property: str
    before: str | None
    after: str | None
    kind: str

    def to_dict(self) -> dict[str, str | None]:
        fr, en = MESSAGES[self.kind]
        return {**asdict(self), "detail_fr": fr, "detail_en": en}


def show(term: Node | None) -> str | None:
    """A value as reports show it; a blank node as ``[]`` (its label changes from one parse
    to the next, and reports are stored with the record: they must not)."""
    if term is None:
        return None
    if isinstance(term, BNode):
        return "[]"
    if isinstance(term, Literal):
        suffix = f"@{term.language}" if term.language else (
            f"^^{term.datatype.rsplit('#', 1)[-1]}" if term.datatype else "")
        return f'"{term}"{suffix}'
    return str(term)


class _Context:
    """What the handlers may need besides the value: base IRI, the record's language, the
    names and types of the record's nodes; the triples a repair adds."""

    def __init__(self, base: str | None, triples: list[Triple]) -> None:
        self.base = base
        self.language_tag: str | None = None
        self.added: list[Triple] = []
        self.names: dict[Node, str] = {}
        self.typed: set[Node] = set()
        self.kinds: set[Node] = set()  # typed vcard:Kind itself (not only a subclass)
        for s, p, o in triples:
            if p in _TYPE_ONLY:
                self.typed.add(s)
                if o == _VCARD_KIND:
                    self.kinds.add(s)
            elif p in _NAMES and isinstance(o, Literal) and s not in self.names:
                self.names[s] = str(o)
        self.property: str = ""

    def node(self, cls: str, name_property: str, text: str) -> BNode:
        node = BNode()
        self.added += [(node, RDF.type, URIRef(cls)), (node, URIRef(name_property), Literal(text))]
        return node


def _vocabulary(kind: str) -> Callable[[Node, _Context], tuple[Node | None, str]]:
    table = tables()[kind]

    def handle(term: Node, ctx: _Context) -> tuple[Node | None, str]:
        if isinstance(term, BNode):  # a node that names its value: [ rdfs:label "CSV" ]
            name = ctx.names.get(term)
            found = table.lookup(name.strip(), False) if name else None
            return (URIRef(found), kind) if found else (term, kind)
        found = table.lookup(str(term).strip(), isinstance(term, URIRef))
        if not found and isinstance(term, URIRef) and str(term) not in table.known \
                and term in ctx.names:  # an IRI the source describes by name (datos.gob.es)
            found = table.lookup(ctx.names[term].strip(), False)
        if found:
            return URIRef(found), kind
        return _statement(term, ctx)

    return handle


def _statement(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    """Text where a resource is expected: a node of the expected class named by the text."""
    spec = STATEMENTS.get(ctx.property)
    if spec is None or not isinstance(term, Literal) or not str(term).strip():
        return term, "statement"
    if ctx.property == f"{DCT}conformsTo":
        as_url = values.repair_url(term, None)
        if isinstance(as_url, URIRef):
            return as_url, "url"
    return ctx.node(spec[0], spec[1], str(term).strip()), "statement"


def _file_type(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    repaired, kind = _vocabulary("file-type")(term, ctx)
    if isinstance(repaired, Literal) and str(repaired).strip():
        # unknown text: a format node with that name, as the SCDL import does
        return ctx.node(str(_MEDIA_TYPE_OR_EXTENT), str(RDFS.label), str(repaired).strip()), \
            "file-type-node"
    if isinstance(repaired, BNode) and repaired not in ctx.typed:
        ctx.added.append((repaired, RDF.type, _MEDIA_TYPE_OR_EXTENT))
        ctx.typed.add(repaired)
        return repaired, "file-type-node"
    return repaired, kind


def _media_type(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    if isinstance(term, Literal):
        text = str(term).strip().lower()
        if "/" in text and " " not in text:
            iri = URIRef(IANA + text)
            ctx.added.append((iri, RDF.type, _MEDIA_TYPE))
            return iri, "media-type"
    elif isinstance(term, URIRef) and str(term).startswith("http://www.iana.org/assignments/"):
        iri = URIRef(str(term).replace("http://", "https://", 1))
        ctx.added.append((iri, RDF.type, _MEDIA_TYPE))
        return iri, "media-type"
    return term, "media-type"


def _theme(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    if isinstance(term, Literal):
        found = tables()["theme"].lookup(str(term).strip(), False)
        if found:
            return URIRef(found), "theme"
        return term, "theme-keyword"  # moved to dcat:keyword by the caller
    # An IRI of another vocabulary is left as it is: typing it skos:Concept would call for a
    # label Socle does not know.
    return _vocabulary("theme")(term, ctx)


def _contact(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    """Untyped, or typed only vcard:Organization/Individual (subclasses of vcard:Kind that
    a harvester validating without the vCard ontology does not recognise): add vcard:Kind."""
    if not isinstance(term, Literal) and term not in ctx.kinds:
        ctx.added.append((term, RDF.type, _VCARD_KIND))
        ctx.kinds.add(term)
    return term, "contact"


def _sample(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    """An untyped adms:sample blank node: a distribution (its DCAT-AP range). An IRI is left
    alone: typing a link to elsewhere would call for an access URL nobody gave."""
    if isinstance(term, BNode) and term not in ctx.typed:
        ctx.added.append((term, RDF.type, URIRef(f"{DCAT}Distribution")))
        ctx.typed.add(term)
    return term, "sample"


def _integer(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    text = str(term).strip()
    if isinstance(term, Literal) and term.datatype != XSD.nonNegativeInteger:
        whole = text[:-2] if text.endswith(".0") else text
        if whole.isdigit():
            return Literal(whole, datatype=XSD.nonNegativeInteger), "integer"
    return term, "integer"


def _literal(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    return (Literal(str(term)) if isinstance(term, URIRef) else term), "literal"


def _frequency(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    """EU codes and labels, Dublin Core cld/freq, ISO 8601 durations (``R/P1M`` too)."""
    if isinstance(term, Literal):
        found = tables()["frequency"].lookup(str(term).strip().removeprefix("R/"), False)
        return (URIRef(found) if found else term), "frequency"
    return _vocabulary("frequency")(term, ctx)


def _date(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    repaired = values.repair_date(term)
    return repaired, "date" if repaired is not None else "date-dropped"


def _text(term: Node, ctx: _Context) -> tuple[Node | None, str]:
    if (ctx.language_tag and isinstance(term, Literal) and not term.language
            and term.datatype in (None, XSD.string)):
        return Literal(str(term), lang=ctx.language_tag), "text"
    return term, "text"


# Repairs that describe the value rather than replace it (a type added to the node).
_IN_PLACE = frozenset({"contact", "sample", "file-type-node"})

HANDLERS: dict[str, Callable[[Node, _Context], tuple[Node | None, str]]] = {
    "file-type": _file_type,
    "media-type": _media_type,
    "theme": _theme,
    "frequency": _frequency,
    "language": _vocabulary("language"),
    "licence": _vocabulary("licence"),
    "access-right": _vocabulary("access-right"),
    "url": lambda t, c: (None, "url-dropped") if str(t).startswith("_:") and isinstance(
        t, Literal) else (values.repair_url(t, c.base), "url"),
    "date": _date,
    "hex": lambda t, c: (values.repair_hex(t), "hex"),
    "integer": _integer,
    "literal": _literal,
    "contact": _contact,
    "sample": _sample,
    "statement": _statement,
    "standard": _statement,
    "text": _text,
}


def repair_triples(triples: Iterable[Triple], root: Node | None, base: str | None = None,
                   language: str | None = None) -> tuple[list[Triple], list[Repair]]:
    """The record's triples with every mechanical defect repaired, and the repairs made.

    ``base``: the document's URL (relative URLs given as text are resolved against it);
    ``language``: the EU language IRI the source declares for its catalogue, used to tag
    untagged titles and descriptions when the record declares none itself.
    """
    triples = list(triples)
    ctx = _Context(base, triples)
    out: list[Triple] = []
    repairs: list[Repair] = []
    texts: list[Triple] = []
    for s, p, o in triples:
        spec = _BY_PROPERTY.get(p)  # type: ignore[call-overload]
        if spec is None:
            out.append((s, p, o))
            continue
        kind, name = spec
        if kind == "literal" and s != root:  # only the record's own identifier must be text
            out.append((s, p, o))
            continue
        if kind == "text":
            texts.append((s, p, o))  # once the record's language is known
            continue
        ctx.property = str(p)
        repaired, how = HANDLERS[kind](o, ctx)
        if repaired is None:
            repairs.append(Repair(show(s) or "", name, show(o), None, how))
            continue
        if (repaired != o or type(repaired) is not type(o) or how == "theme-keyword"
                or how in _IN_PLACE and ctx.added and ctx.added[-1][0] == o):
            repairs.append(Repair(show(s) or "", "dcat:keyword" if how == "theme-keyword" else name,
                                  show(o), show(repaired), how))
            if how == "theme-keyword":
                p = _KEYWORD
        out.append((s, p, repaired))
    ctx.language_tag = _language_tag(out, root, language)
    for s, p, o in texts:
        repaired, how = _text(o, ctx)
        if repaired != o or (isinstance(repaired, Literal) and repaired.language != getattr(
                o, "language", None)):
            repairs.append(Repair(show(s) or "", PROPERTIES[str(p)][1], show(o),
                                  show(repaired), how))
        out.append((s, p, repaired))  # type: ignore[arg-type]
    out += _access_urls(out, repairs)
    out, found = structure.repair_structure(list(dict.fromkeys(out + ctx.added)), root)
    repairs += [Repair(show(n) or "", prefixed(p), show(b), show(a), kind)
                for n, p, b, a, kind in found.changes]
    return out, repairs


def prefixed(iri: str) -> str:
    """The IRI of a property as reports show it (``dct:title``), else the IRI."""
    for prefix, ns in (("rdf", str(RDF)), ("dct", DCT), ("dcat", DCAT), ("foaf", FOAF),
                       ("skos", SKOS), ("locn", "http://www.w3.org/ns/locn#")):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _language_tag(triples: list[Triple], root: Node | None, declared: str | None) -> str | None:
    """The record's one dct:language, else the catalogue's, as an ISO 639-1 tag."""
    own = [o for s, p, o in triples if p in _LANGUAGE_ONLY and s == root]
    chosen = str(own[0]) if len(own) == 1 else (declared if not own else None)
    return iso639_1().get(chosen) if chosen else None


def _access_urls(triples: list[Triple], repairs: list[Repair]) -> list[Triple]:
    """A distribution with a download URL and no access URL gets the download URL as its
    access URL (DCAT-AP: accessURL 1..n; a download location is an access location)."""
    has_access = {s for s, p, _o in triples if p in _ACCESS_ONLY}
    added: list[Triple] = []
    for s, p, o in triples:
        if p in _DOWNLOAD_ONLY and s not in has_access and isinstance(o, URIRef):
            has_access.add(s)
            added.append((s, _ACCESS_URL, o))
            repairs.append(Repair(show(s) or "", "dcat:accessURL", None, show(o), "access-url"))
    return added
