"""Quality fixtures: a dataset earning every MQA point, in Turtle."""

from __future__ import annotations

FULL_IRI = "https://data.montfort.fr/datasets/full"

FULL_TTL = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://data.montfort.fr/publishers/montfort> a foaf:Agent ; foaf:name "Montfort"@fr .
<https://data.montfort.fr/datasets/full> a dcat:Dataset ;
  dct:title "Délibérations"@fr ;
  dct:description "Délibérations du conseil municipal."@fr ;
  dct:identifier "full" ;
  dcat:keyword "délibérations"@fr ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> ;
  dct:spatial <http://id.insee.fr/geo/commune/35188> ;
  dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020-01-01"^^xsd:date ] ;
  dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC> ;
  dcat:contactPoint [ a vcard:Organization ; vcard:fn "Mairie" ;
                      vcard:hasEmail <mailto:mairie@montfort.fr> ] ;
  dct:publisher <https://data.montfort.fr/publishers/montfort> ;
  dct:issued "2024-01-15"^^xsd:date ;
  dct:modified "2024-02-15"^^xsd:date ;
  dcat:distribution <https://data.montfort.fr/datasets/full#csv> .
<https://data.montfort.fr/datasets/full#csv> a dcat:Distribution ;
  dcat:accessURL <https://files.montfort.fr/deliberations.csv> ;
  dcat:downloadURL <https://files.montfort.fr/deliberations.csv> ;
  dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
  dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> ;
  dct:license <http://publications.europa.eu/resource/authority/licence/CC_BY_4_0> ;
  dct:rights [ a dct:RightsStatement ; dct:description "Réutilisation libre."@fr ] ;
  dcat:byteSize "1024"^^xsd:nonNegativeInteger .
"""


import pytest  # noqa: E402

from tests.quality.server import Server  # noqa: E402


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()
