"""What the service published, read back from its feed, as the harvesters should record it."""

from __future__ import annotations

import re
import unicodedata
import urllib.request
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS

from service.rdf.profiles.datagouv import FORMAT_NAMES, MEDIA_TYPES

HYDRA = "http://www.w3.org/ns/hydra/core#"
SPDX = "http://spdx.org/rdf/terms#"
EUFT = "http://publications.europa.eu/resource/authority/file-type/"
EUFREQ = "http://publications.europa.eu/resource/authority/frequency/"
IANA = ("https://www.iana.org/assignments/media-types/",
        "http://www.iana.org/assignments/media-types/")

# data.gouv.fr licence id expected for each licence IRI the generated catalogue uses.
LICENCE_IDS = {
    "https://www.etalab.gouv.fr/licence-ouverte-open-licence/": "lov2",
    "http://spdx.org/licenses/etalab-2.0": "lov2",
    "https://spdx.org/licenses/etalab-2.0.html": "lov2",
    "https://opendatacommons.org/licenses/odbl/1-0/": "odc-odbl",
    "http://opendatacommons.org/licenses/odbl/summary/": "odc-odbl",
    "http://spdx.org/licenses/ODbL-1.0": "odc-odbl",
    "https://spdx.org/licenses/ODbL-1.0.html": "odc-odbl",
    "http://publications.europa.eu/resource/authority/licence/ODBL": "odc-odbl",
    "https://creativecommons.org/licenses/by/4.0/": "cc-by",
    "https://creativecommons.org/publicdomain/zero/1.0/": "cc-zero",
    # as the datagouv profile serves them
    "http://www.opendefinition.org/licenses/cc-by": "cc-by",
    "http://www.opendefinition.org/licenses/cc-zero": "cc-zero",
}
# EU frequency code → udata UpdateFrequency value.
FREQUENCIES = {
    "ANNUAL": "annual", "MONTHLY": "monthly", "QUARTERLY": "quarterly", "WEEKLY": "weekly",
    "DAILY": "daily", "IRREG": "irregular", "UPDATE_CONT": "continuous", "NEVER": "never",
    "UNKNOWN": "unknown", "ANNUAL_2": "semiannual", "BIENNIAL": "biennial",
}


def read_feed(url: str) -> Graph:
    """Every page of a feed in one graph, following hydra:next."""
    graph = Graph()
    next_url: str | None = url
    while next_url:
        with urllib.request.urlopen(next_url, timeout=60) as r:
            page = Graph().parse(data=r.read(), format="turtle")
        graph += page
        nxt = next(page.objects(None, URIRef(f"{HYDRA}next")), None)
        next_url = str(nxt) if nxt is not None else None
    return graph


def slug(text: str) -> str:
    """python-slugify as udata normalises tags (close enough for the catalogue's words)."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _fr(graph: Graph, node, prop) -> str | None:
    values = list(graph.objects(node, prop))
    for v in values:
        if isinstance(v, Literal) and v.language == "fr":
            return str(v)
    return str(values[0]) if values else None


@dataclass
class Resource:
    url: str
    format: str | None
    mime: str | None
    size: int | None
    checksum: str | None
    licence: str | None


@dataclass
class Dataset:
    identifier: str
    titles: set[str]
    title_fr: str
    description: str
    licences: set[str]
    frequency: str | None
    temporal: tuple[str | None, str | None] | None
    bbox: list[float] | None
    tags: set[str]
    resources: dict[str, Resource]


def _bbox(wkts: list[str]) -> list[float] | None:
    numbers = [float(x) for w in wkts for x in re.findall(r"-?\d+(?:\.\d+)?", w.split(">")[-1])]
    if not numbers:
        return None
    xs, ys = numbers[0::2], numbers[1::2]
    return [min(xs), min(ys), max(xs), max(ys)]


def datasets(graph: Graph) -> dict[str, Dataset]:
    out = {}
    for d in graph.subjects(RDF.type, DCAT.Dataset):
        identifier = str(graph.value(d, DCTERMS.identifier))
        tags = {slug(str(k)) for k in graph.objects(d, DCAT.keyword)}
        for theme in graph.objects(d, DCAT.theme):
            label = _fr(graph, theme, SKOS.prefLabel)
            assert label, f"{identifier}: theme {theme} has no skos:prefLabel on the page"
            tags.add(slug(label))
        freq = graph.value(d, DCTERMS.accrualPeriodicity)
        frequency = None
        if freq is not None:
            code = str(freq).removeprefix(EUFREQ)
            assert code in FREQUENCIES, f"add {code} to FREQUENCIES"
            frequency = FREQUENCIES[code]
        temporal = None
        period = graph.value(d, DCTERMS.temporal)
        if period is not None:
            start = graph.value(period, DCAT.startDate)
            end = graph.value(period, DCAT.endDate)
            temporal = (str(start)[:10] if start else None, str(end)[:10] if end else None)
        wkts = [str(o) for place in graph.objects(d, DCTERMS.spatial)
                for o in graph.objects(place, None)
                if isinstance(o, Literal) and str(o.datatype).endswith("wktLiteral")
                and "POLYGON" in str(o).upper()]
        resources = {}
        for dist in graph.objects(d, DCAT.distribution):
            url = str(graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL))
            fmt_iri = graph.value(dist, DCTERMS.format)
            fmt = code = None
            if fmt_iri is not None:
                code = str(fmt_iri).removeprefix(EUFT)
                fmt = FORMAT_NAMES.get(code, code.lower())
            media = graph.value(dist, DCAT.mediaType)
            if media is not None:
                mime = str(media)
                for prefix in IANA:
                    mime = mime.removeprefix(prefix)
            else:
                mime = MEDIA_TYPES.get(code) if code else None
            size = graph.value(dist, DCAT.byteSize)
            checksum = None
            node = graph.value(dist, URIRef(f"{SPDX}checksum"))
            if node is not None:
                algorithm = str(graph.value(node, URIRef(f"{SPDX}algorithm"))).rsplit("_", 1)[-1]
                checksum = f"{algorithm}:{graph.value(node, URIRef(f'{SPDX}checksumValue'))}"
            licence = graph.value(dist, DCTERMS.license)
            resources[url] = Resource(url, fmt, mime, int(size) if size is not None else None,
                                      checksum, str(licence) if licence else None)
        out[identifier] = Dataset(
            identifier=identifier,
            titles={str(t) for t in graph.objects(d, DCTERMS.title)},
            title_fr=_fr(graph, d, DCTERMS.title) or "",
            description=(_fr(graph, d, DCTERMS.description) or "").strip(),
            licences={r.licence for r in resources.values() if r.licence},
            frequency=frequency, temporal=temporal, bbox=_bbox(wkts),
            tags={t for t in tags if len(t) >= 3}, resources=resources)
    return out
