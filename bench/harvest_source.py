"""A generated DCAT source for harvest tests and benchmarks: n valid datasets (DCAT-AP 3 +
French profile) with their own IRIs, cut into Hydra pages served as Turtle.

``pages(...)`` returns {path with query: Turtle body}; page links are absolute and use either
the current Hydra terms (PartialCollectionView / next) or the legacy ones (PagedCollection /
nextPage), as the portals we harvest do.
"""

from __future__ import annotations

PREFIXES = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
"""
DATASET_BASE = "https://data.montfort.example.fr/datasets/"


def dataset_iri(i: int) -> str:
    return f"{DATASET_BASE}jeu-{i:05d}"


def dataset(i: int, *, version: int = 0) -> str:
    """One valid dataset; `version` changes its description (a changed record)."""
    edited = f" (version {version})" if version else ""
    return f"""
<{dataset_iri(i)}> a dcat:Dataset ;
  dct:title "Délibérations n°{i}"@fr ;
  dct:description "Liste des délibérations adoptées, série {i}{edited}."@fr ;
  dct:identifier "jeu-{i:05d}" ;
  dcat:keyword "délibérations"@fr, "série {i % 50}"@fr ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> ;
  dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/MONTHLY> ;
  dct:spatial <http://id.insee.fr/geo/commune/35188> ;
  dct:issued "2024-01-15"^^xsd:date ;
  dct:conformsTo <https://schema.data.gouv.fr/scdl/deliberations/2.1.3/> ;
  dcat:contactPoint [ a vcard:Organization ; vcard:fn "Mairie de Montfort-sur-Meu" ;
                      vcard:hasEmail <mailto:mairie@montfort-sur-meu.fr> ] ;
  dcat:distribution [ a dcat:Distribution ;
    dct:title "Délibérations {i} (CSV)"@fr ;
    dcat:accessURL <https://data.montfort.example.fr/files/{i}.csv> ;
    dcat:downloadURL <https://data.montfort.example.fr/files/{i}.csv> ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence/> ] .
"""


def page_url(base: str, path: str, number: int) -> str:
    return f"{base}{path}?page={number}"


def paging_block(base: str, path: str, number: int, last: int, total: int, *,
                 legacy: bool = False) -> str:
    here = page_url(base, path, number)
    if legacy:
        nxt = f' ;\n  hydra:nextPage "{page_url(base, path, number + 1)}"' \
            if number < last else ""
        return (f'\n<{here}> a hydra:PagedCollection ;\n  hydra:totalItems {total} ;\n'
                f'  hydra:firstPage "{page_url(base, path, 1)}" ;\n'
                f'  hydra:lastPage "{page_url(base, path, last)}"{nxt} .\n')
    nxt = f" ;\n  hydra:next <{page_url(base, path, number + 1)}>" if number < last else ""
    return (f"\n<{base}{path}> a hydra:Collection ; hydra:totalItems {total} ;\n"
            f"  hydra:view <{here}> .\n<{here}> a hydra:PartialCollectionView ;\n"
            f"  hydra:first <{page_url(base, path, 1)}> ;\n"
            f"  hydra:last <{page_url(base, path, last)}>{nxt} .\n")


def pages(base: str, path: str, items: list[int], page_size: int, *, legacy: bool = False,
          versions: dict[int, int] | None = None) -> dict[str, str]:
    """{"/path?page=N": Turtle} for the datasets numbered `items`."""
    versions = versions or {}
    last = max(1, -(-len(items) // page_size))
    out = {}
    for number in range(1, last + 1):
        chunk = items[(number - 1) * page_size: number * page_size]
        body = [PREFIXES, f"<{base}{path}#catalog> a dcat:Catalog ;\n  dct:title \"Catalogue\"@fr"]
        body += [f" ;\n  dcat:dataset <{dataset_iri(i)}>" for i in chunk]
        body.append(" .\n")
        body += [dataset(i, version=versions.get(i, 0)) for i in chunk]
        body.append(paging_block(base, path, number, last, len(items), legacy=legacy))
        out[f"{path}?page={number}"] = "".join(body)
    return out
