# ruff: noqa: E501  (Turtle fixtures are kept on one line per statement)
"""Regenerate corpus/*.ttl + corpus/manifest.json: one valid record and one file per defect.

Why generated: every defective record is the valid record with one edit, so each file tests
exactly one defect kind. Run: ``python tests/validation/make_corpus.py`` and commit the output.
"""

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent / "corpus"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix spdx: <http://spdx.org/rdf/terms#> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix ex: <https://data.ville-exemple.fr/> .
"""
BASE = """ex:ds1 a dcat:Dataset ;
    dct:title "Délibérations du conseil municipal"@fr, "Municipal council deliberations"@en ;
    dct:description "Liste des délibérations adoptées par le conseil municipal."@fr ;
    dct:publisher ex:org ;
    dcat:contactPoint ex:contact ;
    dcat:keyword "délibérations"@fr, "conseil municipal"@fr ;
    dcat:theme eu:data-theme/GOVE ;
    dct:accrualPeriodicity eu:frequency/MONTHLY ;
    dct:accessRights eu:access-right/PUBLIC ;
    dct:spatial <https://id.insee.fr/geo/commune/75056> ;
    dct:temporal ex:period ;
    dct:issued "2021-03-01"^^xsd:date ;
    dct:modified "2024-01-15T10:00:00"^^xsd:dateTime ;
    dct:language eu:language/FRA ;
    dcat:landingPage <https://www.ville-exemple.fr/deliberations> ;
    dct:conformsTo <https://schema.data.gouv.fr/scdl/deliberations/> ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence/> ;
    dcat:distribution ex:dist1 .
ex:org a foaf:Agent ; foaf:name "Ville Exemple" ;
    dct:type <http://purl.org/adms/publishertype/LocalAuthority> .
<http://purl.org/adms/publishertype/LocalAuthority> a <http://www.w3.org/2004/02/skos/core#Concept> ;
    <http://www.w3.org/2004/02/skos/core#prefLabel> "Local Authority"@en .
ex:contact a vcard:Kind ; vcard:fn "Service open data" ;
    vcard:hasEmail <mailto:opendata@ville-exemple.fr> .
ex:period a dct:PeriodOfTime ;
    dcat:startDate "2020-01-01"^^xsd:date ; dcat:endDate "2023-12-31"^^xsd:date .
<https://id.insee.fr/geo/commune/75056> a dct:Location ;
    dcat:bbox "POLYGON((2.22 48.81,2.47 48.81,2.47 48.90,2.22 48.90,2.22 48.81))" ;
    dcat:centroid "POINT(2.35 48.85)" .
eu:language/FRA a dct:LinguisticSystem .
<https://www.ville-exemple.fr/deliberations> a foaf:Document .
ex:dist1 a dcat:Distribution ;
    dct:title "Délibérations (CSV)"@fr ;
    dct:description "Fichier CSV conforme au schéma SCDL."@fr ;
    dcat:accessURL <https://data.ville-exemple.fr/files/deliberations.csv> ;
    dcat:downloadURL <https://data.ville-exemple.fr/files/deliberations.csv> ;
    dct:format eu:file-type/CSV ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence/> ;
    dcatap:availability <http://data.europa.eu/r5r/availability/stable> ;
    dcat:byteSize "20480"^^xsd:nonNegativeInteger ;
    spdx:checksum ex:sum1 .
<http://data.europa.eu/r5r/availability/stable> a <http://www.w3.org/2004/02/skos/core#Concept> ;
    <http://www.w3.org/2004/02/skos/core#prefLabel> "stable"@en .
ex:sum1 a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ;
    spdx:checksumValue "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"^^xsd:hexBinary .
"""

# name: (edits [(old, new)], our expected conformance, about)
CASES = {
    "valid-full": ([], True, "complete record, every range typed or in the vocabularies"),
    "valid-gyear": ([('"2024-01-15T10:00:00"^^xsd:dateTime', '"2024"^^xsd:gYear')], True,
                    "dct:modified as xsd:gYear is allowed"),
    "valid-gyearmonth": ([('"2021-03-01"^^xsd:date', '"2021-03"^^xsd:gYearMonth')], True,
                         "dct:issued as xsd:gYearMonth is allowed"),
    "missing-title": ([('dct:title "Délibérations du conseil municipal"@fr, '
                        '"Municipal council deliberations"@en ;\n', '')], False, "no dct:title"),
    "missing-description": ([('    dct:description "Liste des délibérations adoptées par le '
                              'conseil municipal."@fr ;\n', '')], False, "no dct:description"),
    "date-french-plain": ([('"2024-01-15T10:00:00"^^xsd:dateTime', '"31/12/2023"')], False,
                          "dct:modified '31/12/2023' untyped"),
    "date-french-typed": ([('"2024-01-15T10:00:00"^^xsd:dateTime', '"31/12/2023"^^xsd:date')],
                          False, "dct:modified '31/12/2023'^^xsd:date (ill-typed)"),
    "date-nonexistent": ([('"2021-03-01"^^xsd:date', '"2023-02-30"^^xsd:date')], False,
                         "dct:issued 2023-02-30 (ill-typed xsd:date)"),
    "date-string-typed": ([('"2021-03-01"^^xsd:date', '"2021-03-01"^^xsd:string')], False,
                          "dct:issued typed xsd:string"),
    "licence-literal": ([('dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence/> '
                          ';\n    dcatap:', 'dct:license "Licence Ouverte 2.0" ;\n    dcatap:')],
                        False, "distribution licence given as text"),
    "theme-literal": ([("dcat:theme eu:data-theme/GOVE", 'dcat:theme "Gouvernement"')], False,
                      "theme given as text"),
    "theme-unknown-iri": ([("dcat:theme eu:data-theme/GOVE", "dcat:theme ex:theme-maison")], False,
                          "theme IRI that is not a skos:Concept"),
    "frequency-literal": ([("dct:accrualPeriodicity eu:frequency/MONTHLY",
                            'dct:accrualPeriodicity "mensuelle"')], False, "frequency as text"),
    "two-frequencies": ([("dct:accrualPeriodicity eu:frequency/MONTHLY",
                          "dct:accrualPeriodicity eu:frequency/MONTHLY, eu:frequency/ANNUAL")],
                        False, "two dct:accrualPeriodicity"),
    "access-rights-literal": ([("dct:accessRights eu:access-right/PUBLIC",
                                'dct:accessRights "public"')], False, "access rights as text"),
    "no-access-url": ([("    dcat:accessURL <https://data.ville-exemple.fr/files/deliberations.csv>"
                        " ;\n", "")], False, "distribution without dcat:accessURL"),
    "download-url-literal": ([("dcat:downloadURL <https://data.ville-exemple.fr/files/"
                               "deliberations.csv>", 'dcat:downloadURL "deliberations.csv"')],
                             False, "downloadURL as text"),
    "bytesize-decimal": ([('"20480"^^xsd:nonNegativeInteger', '"12.5"^^xsd:decimal')], False,
                         "byteSize typed xsd:decimal"),
    "bytesize-plain": ([('"20480"^^xsd:nonNegativeInteger', '"20 Ko"')], False,
                       "byteSize as plain text"),
    "bytesize-negative": ([('"20480"^^xsd:nonNegativeInteger', '"-5"^^xsd:nonNegativeInteger')],
                          False, "byteSize negative (ill-typed)"),
    "checksum-not-hex": ([('"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"'
                           '^^xsd:hexBinary', '"zz-not-hex"^^xsd:hexBinary')], False,
                         "checksum value not hexadecimal"),
    "checksum-untyped": ([('"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"'
                           '^^xsd:hexBinary', '"9f86d081"')], False, "checksum value untyped"),
    "checksum-no-algorithm": ([("spdx:algorithm spdx:checksumAlgorithm_sha256 ;", "")], False,
                              "checksum without algorithm"),
    "two-titles-same-lang": ([('"Municipal council deliberations"@en',
                               '"Municipal council deliberations"@en, "Délibérations"@fr')],
                             True, "two French titles: not a DCAT-AP violation (fr-local warns)"),
    "publisher-no-name": ([('ex:org a foaf:Agent ; foaf:name "Ville Exemple" ;',
                            "ex:org a foaf:Agent ;")], False, "publisher without foaf:name"),
    "two-publishers": ([("dct:publisher ex:org ;", "dct:publisher ex:org, ex:org2 ;\n    "),
                        ("ex:contact a", 'ex:org2 a foaf:Agent ; foaf:name "Métropole" ;\n'
                         '    dct:type <http://purl.org/adms/publishertype/LocalAuthority> .\n'
                         "ex:contact a")], False, "two dct:publisher"),
    "temporal-start-text": ([('dcat:startDate "2020-01-01"^^xsd:date',
                              'dcat:startDate "janvier 2020"')], False, "startDate as text"),
    "temporal-end-integer": ([('dcat:endDate "2023-12-31"^^xsd:date', 'dcat:endDate 2023')],
                             False, "endDate as xsd:integer"),
    "contact-literal": ([("dcat:contactPoint ex:contact", 'dcat:contactPoint "opendata@ville.fr"')],
                        False, "contact point as text"),
    "distribution-untyped": ([("ex:dist1 a dcat:Distribution ;", "ex:dist1")], False,
                             "distribution node without rdf:type"),
    "spatial-resolution-text": ([("dcat:byteSize", 'dcat:spatialResolutionInMeters "10 m" ;\n'
                                  "    dcat:byteSize")], False, "spatialResolutionInMeters text"),
    "landing-page-untyped": ([("<https://www.ville-exemple.fr/deliberations> a foaf:Document .",
                               "")], True, "D1: untyped landing page (official: Violation)"),
    "spatial-untyped": ([("<https://id.insee.fr/geo/commune/75056> a dct:Location ;",
                          "<https://id.insee.fr/geo/commune/75056>")], True,
                        "D1: untyped spatial IRI (official: Violation)"),
    "scdl-keyword-no-schema": ([('"conseil municipal"@fr', '"conseil municipal"@fr, "SCDL"@fr'),
                                ("    dct:conformsTo <https://schema.data.gouv.fr/scdl/"
                                 "deliberations/> ;\n", "")], True,
                               "fr-local: SCDL keyword without schema.data.gouv.fr schema"),
    "title-english-only": ([('"Délibérations du conseil municipal"@fr, ', '')], True,
                           "fr-local: no French title"),
    "licence-cc-by": ([("<https://www.etalab.gouv.fr/licence-ouverte-open-licence/>",
                        "<https://creativecommons.org/licenses/by/4.0/>")], True,
                      "fr-local: licence not in décret 2017-638 list"),
    "licence-odbl-spdx": ([("<https://www.etalab.gouv.fr/licence-ouverte-open-licence/>",
                            "<http://spdx.org/licenses/ODbL-1.0>")], True,
                          "ODbL under its SPDX IRI is accepted"),
    "no-contact-no-spatial": ([("    dcat:contactPoint ex:contact ;\n", ""),
                               ("    dct:spatial <https://id.insee.fr/geo/commune/75056> ;\n",
                                "")], True, "recommended/fr-local: no contact, no spatial"),
}
EXTRA = {
    "series-valid": ("""ex:series a dcat:DatasetSeries ;
    dct:title "Budgets primitifs"@fr ; dct:description "Série annuelle des budgets."@fr ;
    dct:publisher ex:org ; dcat:contactPoint ex:contact ;
    dct:issued "2019"^^xsd:gYear .
ex:ds2 a dcat:Dataset ; dct:title "Budget primitif 2023"@fr ;
    dct:description "Budget primitif 2023."@fr ; dcat:inSeries ex:series .
ex:org a foaf:Agent ; foaf:name "Ville Exemple" .
ex:contact a vcard:Kind ; vcard:fn "Finances" .
""", True, "dataset series with one member"),
    "series-no-title": ("""ex:series a dcat:DatasetSeries ;
    dct:description "Série annuelle des budgets."@fr ; dct:modified "hier" .
""", False, "series without title, ill-formed modified, no member"),
    "service-no-endpoint": ("""ex:api a dcat:DataService ;
    dct:title "API des délibérations"@fr ; dcat:servesDataset ex:ds1 ;
    dcat:theme "Gouvernement" .
""", False, "data service without endpointURL, theme as text"),
    "catalog-two-datasets": ("""ex:cat a dcat:Catalog ;
    dct:title "Catalogue de la Ville Exemple"@fr ; dct:description "Données ouvertes."@fr ;
    dct:publisher ex:org ; dcat:dataset ex:a, ex:b .
ex:org a foaf:Agent ; foaf:name "Ville Exemple" .
ex:a a dcat:Dataset ; dct:title "A"@fr ; dct:description "Jeu A."@fr .
ex:b a dcat:Dataset ; dct:title "B"@fr .
""", False, "whole catalogue: dataset ex:b has no description"),
}


def write(name: str, text: str, about: str) -> None:
    """eu:x/Y is shorthand here only (a '/' is not allowed in a Turtle local name)."""
    text = re.sub(r"\beu:([A-Za-z0-9_/-]+)",
                  r"<http://publications.europa.eu/resource/authority/\1>", text)
    (HERE / f"{name}.ttl").write_text(f"# {about}\n" + PREFIXES + text, "utf-8")


def main() -> None:
    HERE.mkdir(exist_ok=True)
    manifest = {}
    for name, (edits, conforms, about) in CASES.items():
        text = BASE
        for old, new in edits:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        write(name, text, about)
        manifest[f"{name}.ttl"] = {"conforms": conforms, "about": about}
    for name, (text, conforms, about) in EXTRA.items():
        write(name, text, about)
        manifest[f"{name}.ttl"] = {"conforms": conforms, "about": about}
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
