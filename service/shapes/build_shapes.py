"""Generate shapes/dcat-ap-3.ttl from the official DCAT-AP 3.0.1 SHACL files + our messages.

Why generated: the constraint facts (paths, cardinalities, datatypes, node kinds, ranges,
severities) must match the DCAT-AP 3.0.1 release exactly, so they are read from the official
files (shapes.ttl, range.ttl, shapes_recommended.ttl; © European Union / SEMIC, CC-BY 4.0);
what we add - one property shape per constraint, French and English fix-it messages, the
deliberate differences of docs/validation.md - is data in this file and in shapes/labels.py.
Run from the repo root: ``python shapes/build_shapes.py [fixtures_dir]``; commit the output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH

sys.path.insert(0, str(Path(__file__).resolve().parent))
from labels import CLASSES, PROPERTIES, RANGE_NAMES  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_FIXTURES = HERE.parent.parent / "shared" / "fixtures"
OFFICIAL = "dcat-ap-shacl/3.0.1/html-shacl"
DATE_SHAPE = "DateOrDateTimeDataType_Shape"
RESOURCE_SHAPE = "DcatResource_Shape"

PREFIXES = {
    "adms": "http://www.w3.org/ns/adms#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "locn": "http://www.w3.org/ns/locn#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "time": "http://www.w3.org/2006/time#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
SX = "https://socle.opendata.fr/shapes/dcat-ap-3#"

# Deliberate difference D1 (docs/validation.md): class ranges stay Violations only where our
# vocabularies type the values (theme, frequency, licence, access right, format) or where the
# value is a node the record itself describes; ranges on references to outside resources
# (landing pages, languages, standards, places...) become Info: a curator cannot act on them
# and real feeds never type such references, so they must not bury the warnings that matter.
RANGE_VIOLATION_PATHS = {
    "dcat:theme",
    "dct:accrualPeriodicity",
    "dct:license",
    "dct:accessRights",
    "dct:format",
    "dcat:distribution",
    "spdx:checksum",
    "dct:temporal",
    "dct:publisher",
    "dct:creator",
    "dcat:contactPoint",
    "dcat:dataset",
    "dcat:record",
    "foaf:primaryTopic",
}

DATATYPE_HINTS = {
    "xsd:nonNegativeInteger": (
        "un nombre entier positif ou nul, typé xsd:nonNegativeInteger "
        '(ex. "1024"^^xsd:nonNegativeInteger)',
        'a whole number >= 0 typed xsd:nonNegativeInteger (e.g. "1024"^^xsd:nonNegativeInteger)',
    ),
    "xsd:hexBinary": (
        "une valeur hexadécimale (chiffres 0-9 et lettres a-f, en nombre pair), "
        "typée xsd:hexBinary",
        "a hexadecimal value (0-9, a-f, even length) typed xsd:hexBinary",
    ),
    "xsd:decimal": (
        'un nombre décimal typé xsd:decimal (ex. "10.5"^^xsd:decimal)',
        'a decimal number typed xsd:decimal (e.g. "10.5"^^xsd:decimal)',
    ),
    "xsd:duration": (
        'une durée ISO 8601 typée xsd:duration (ex. "P1D"^^xsd:duration)',
        'an ISO 8601 duration typed xsd:duration (e.g. "P1D"^^xsd:duration)',
    ),
}
KIND_HINTS = {
    "sh:Literal": (
        "comme un texte (littéral), pas comme un lien ni une ressource",
        "as text (a literal), not as a link or a resource",
    ),
    "sh:IRI": (
        "sous forme de lien (IRI) vers une valeur d'un vocabulaire contrôlé, pas de texte",
        "as a link (IRI) to a controlled-vocabulary value, not as text",
    ),
    "sh:BlankNodeOrIRI": (
        "sous forme de lien (IRI) ou de ressource décrite, pas de texte",
        "as a link (IRI) or a described resource, not as text",
    ),
}


def curie(term: URIRef) -> str:
    s = str(term)
    for p, ns in PREFIXES.items():
        if s.startswith(ns):
            return f"{p}:{s[len(ns) :]}"
    raise KeyError(s)


def path_key(g: Graph, path) -> str:
    if isinstance(path, BNode):
        return "^" + curie(g.value(path, SH.inversePath))
    return curie(path)


def load_official(fixtures: Path) -> tuple[Graph, Graph]:
    """Core+range graph (sh:shape rewritten to sh:node, as the README says) and recommended."""
    base = fixtures / OFFICIAL
    text = (base / "shapes.ttl").read_text("utf-8").replace("sh:shape ", "sh:node ")
    core = Graph().parse(data=text, format="turtle")
    core.parse(base / "range.ttl", format="turtle")
    rec = Graph().parse(base / "shapes_recommended.ttl", format="turtle")
    return core, rec


def rules_from(g: Graph) -> list[tuple]:
    """(class, path, kind, arg, severity) for every constraint of every property shape."""
    out = []
    for ns in g.subjects(RDF.type, SH.NodeShape):
        cls = g.value(ns, SH.targetClass)
        if cls is None:
            continue
        for ps in g.objects(ns, SH.property):
            path = path_key(g, g.value(ps, SH.path))
            sev = curie(g.value(ps, SH.severity) or SH.Violation).split(":")[1]
            for pred, kind in (
                (SH.minCount, "min"),
                (SH.maxCount, "max"),
                (SH.nodeKind, "kind"),
                (SH.datatype, "datatype"),
                (SH["class"], "class"),
                (SH.node, "node"),
            ):
                for o in g.objects(ps, pred):
                    arg = (
                        int(o)
                        if kind in ("min", "max")
                        else (str(o).rsplit("#", 1)[1] if kind == "node" else curie(o))
                    )
                    level = sev
                    if kind == "class" and path not in RANGE_VIOLATION_PATHS:
                        level = "Info"
                    out.append((curie(cls), path, kind, arg, level))
    return sorted(set(out), key=lambda r: (r[0], r[1], r[2], str(r[3]), r[4]))


def messages(cls: str, path: str, kind: str, arg, sev: str) -> tuple[str, str]:
    au, du, the = CLASSES[cls]
    ind_fr, ind_en = PROPERTIES[path]
    noun_fr, noun_en = ind_fr.split(" ", 1)[1], ind_en.split(" ", 1)[1]
    p = path.lstrip("^")
    if kind == "min":
        fr, en = f"Ajoutez {ind_fr} ({p}) {au}.", f"Add {ind_en} ({p}) to {the}."
        if sev != "Violation":
            fr, en = (
                "Recommandé : " + fr[0].lower() + fr[1:],
                "Recommended: " + en[0].lower() + en[1:],
            )
    elif kind == "max":
        fr = (
            f"Ne gardez qu'une seule valeur pour « {noun_fr} » ({p}) {du} : "
            "supprimez les valeurs en trop."
        )
        en = f"Keep only one {noun_en} ({p}) for {the}: remove the extra values."
    elif kind == "kind":
        hf, he = KIND_HINTS[arg]
        fr, en = (
            f"Donnez « {noun_fr} » ({p}) {du} {hf}.",
            f"Give the {noun_en} ({p}) of {the} {he}.",
        )
    elif kind == "datatype":
        hf, he = DATATYPE_HINTS[arg]
        fr = f"Saisissez « {noun_fr} » ({p}) {du} comme {hf}."
        en = f"Enter the {noun_en} ({p}) of {the} as {he}."
    elif kind == "node" and arg == DATE_SHAPE:
        fr = (
            f"Saisissez « {noun_fr} » ({p}) {du} comme une date ISO 8601 valide et typée : "
            "AAAA-MM-JJ (xsd:date), date et heure (xsd:dateTime), AAAA (xsd:gYear) ou "
            "AAAA-MM (xsd:gYearMonth) ; pas « 31/12/2023 » ni une date inexistante."
        )
        en = (
            f"Enter the {noun_en} ({p}) of {the} as a valid, typed ISO 8601 date: YYYY-MM-DD "
            "(xsd:date), date-time (xsd:dateTime), YYYY (xsd:gYear) or YYYY-MM "
            "(xsd:gYearMonth); not '31/12/2023' nor a non-existent date."
        )
    elif kind == "node":
        fr = (
            f"« {noun_fr} » ({p}) {du} doit être un catalogue, un jeu de données, une série "
            "ou un service de données décrit (rdf:type)."
        )
        en = (
            f"The {noun_en} ({p}) of {the} must be a catalogue, dataset, dataset series or "
            "data service (rdf:type)."
        )
    else:  # class
        rf, re_ = RANGE_NAMES[arg]
        fr = (
            f"« {noun_fr} » ({p}) {du} doit être {rf} : choisissez une valeur des vocabulaires "
            f"de référence ou déclarez son type (rdf:type {arg})."
        )
        en = (
            f"The {noun_en} ({p}) of {the} must be {re_}: pick a value from the reference "
            f"vocabularies or declare its type (rdf:type {arg})."
        )
    return fr, en


def lit(s: str, lang: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def emit(rules: list[tuple]) -> str:
    head = [
        "# Socle SHACL shapes for DCAT-AP 3.",
        "# Derived from DCAT-AP 3.0.1 SHACL (© European Union / SEMIC, CC-BY 4.0):",
        "# https://github.com/SEMICeu/DCAT-AP releases/3.0.1 (shapes.ttl, range.ttl,",
        "# shapes_recommended.ttl). One property shape per constraint, French/English",
        "# fix-it messages, deliberate differences listed in docs/validation.md.",
        "# Generated by shapes/build_shapes.py: edit the generator, not this file.",
    ]
    head += [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    head += [f"@prefix sx: <{SX}> .", ""]
    out = head + [
        f"sx:{DATE_SHAPE} a sh:NodeShape ;",
        '    rdfs:comment "A date: xsd:date, xsd:dateTime, xsd:gYear or xsd:gYearMonth." ;',
        "    sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:dateTime ]"
        " [ sh:datatype xsd:gYear ] [ sh:datatype xsd:gYearMonth ] ) .",
        "",
        f"sx:{RESOURCE_SHAPE} a sh:NodeShape ;",
        "    sh:or ( [ sh:class dcat:Catalog ] [ sh:class dcat:Dataset ]"
        " [ sh:class dcat:DataService ] [ sh:class dcat:DatasetSeries ] ) .",
        "",
    ]
    by_class: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for cls, path, kind, arg, sev in rules:
        local = cls.split(":")[1]
        name = f"{local}-{path.replace('^', 'inv-').replace(':', '_')}-{kind}"
        counts[name] = counts.get(name, 0) + 1
        if counts[name] > 1:
            name += str(counts[name])
        fr, en = messages(cls, path, kind, arg, sev)
        pth = f"[ sh:inversePath {path[1:]} ]" if path.startswith("^") else path
        constraint = {
            "min": f"sh:minCount {arg}",
            "max": f"sh:maxCount {arg}",
            "kind": f"sh:nodeKind {arg}",
            "datatype": f"sh:datatype {arg}",
            "class": f"sh:class {arg}",
            "node": f"sh:node sx:{arg}",
        }[kind]
        out += [
            f"sx:{name} a sh:PropertyShape ;",
            f"    sh:path {pth} ;",
            f"    {constraint} ;",
            f"    sh:severity sh:{sev} ;",
            f"    sh:message {lit(fr, 'fr')}, {lit(en, 'en')} .",
            "",
        ]
        by_class.setdefault(cls, []).append(f"sx:{name}")
    for cls, props in sorted(by_class.items()):
        local = cls.split(":")[1]
        out += [
            f"sx:{local}_Shape a sh:NodeShape ;",
            f"    sh:targetClass {cls} ;",
            "    sh:property " + ",\n        ".join(props) + " .",
            "",
        ]
    out += [
        "# Recommended (shapes_recommended.ttl :Catalog_Shape2): a catalogue lists datasets or",
        "# services.",
        "sx:Catalog_Content_Shape a sh:NodeShape ;",
        "    sh:targetClass dcat:Catalog ;",
        "    sh:severity sh:Warning ;",
        "    sh:or ( [ sh:path dcat:dataset ; sh:minCount 1 ]"
        " [ sh:path dcat:service ; sh:minCount 1 ] ) ;",
        "    sh:message "
        + lit(
            "Recommandé : ajoutez au catalogue au moins un jeu de données "
            "(dcat:dataset) ou un service (dcat:service).",
            "fr",
        )
        + ", "
        + lit(
            "Recommended: add at least one dataset (dcat:dataset) or data service "
            "(dcat:service) to the catalogue.",
            "en",
        )
        + " .",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str]) -> None:
    fixtures = Path(argv[1]) if len(argv) > 1 else DEFAULT_FIXTURES
    core, rec = load_official(fixtures)
    rules = rules_from(core) + [r for r in rules_from(rec) if r[2] == "min"]
    (HERE / "dcat-ap-3.ttl").write_text(emit(sorted(set(rules))), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
