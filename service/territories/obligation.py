"""The open-data obligation dashboard, as data: for the communes of an area (EPCI, département,
région) or of the whole instance, who is likely obliged, who publishes here, what and how well.

Three SPARQL queries whatever the number of communes (records per publisher, SCDL schemas
declared by `dct:conformsTo`, metadata properties present), then Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal

from service.catalog.publishers import Publisher, list_publishers
from service.rdf.namespaces import DCAT, DCTERMS, FOAF, RECORDS_GRAPH, SOCLE
from service.resources import VOCAB_DIR
from service.store import Store
from service.territories.exemptions import Exemption, exemptions
from service.territories.publishers import territory_of
from service.territories.registry import Registry, Territory, registry

# Metadata completeness: share of these properties present, on the dataset or (True) on one of
# its distributions. The same fields as the web pages' completeness chart (the DCAT-AP 3
# recommended ones data.europa.eu's quality indicators look at), so both give one figure.
COMPLETENESS: tuple[tuple[str, str, bool], ...] = (
    ("keyword", f"{DCAT}keyword", False), ("theme", f"{DCAT}theme", False),
    ("contact", f"{DCAT}contactPoint", False), ("spatial", f"{DCTERMS}spatial", False),
    ("temporal", f"{DCTERMS}temporal", False),
    ("frequency", f"{DCTERMS}accrualPeriodicity", False),
    ("access", f"{DCTERMS}accessRights", False), ("conforms", f"{DCTERMS}conformsTo", False),
    ("distribution", f"{DCAT}distribution", False), ("licence", f"{DCTERMS}license", True),
    ("format", f"{DCTERMS}format", True), ("download", f"{DCAT}downloadURL", True),
)
SCDL_PREFIX = "scdl/"  # the SCDL base datasets: schemas of vocab/scdl-schemas*.ttl under scdl/
SCHEMA_SITE = "https://schema.data.gouv.fr/"
NOTATION = "http://www.w3.org/2004/02/skos/core#notation"


@dataclass(frozen=True)
class Scdl:
    """The SCDL schemas: notation → French label, and every IRI that designates each."""

    labels: dict[str, str]
    iris: dict[str, str]

    def notation_of(self, iri: str) -> str | None:
        """The schema an IRI designates: concept, Table Schema file of any version, or a
        schema.data.gouv.fr page under it."""
        found = self.iris.get(iri)
        if found is not None:
            return found
        for prefix in (f"{SCHEMA_SITE}schemas/", SCHEMA_SITE):
            if iri.startswith(prefix):
                rest = iri[len(prefix):]
                for notation in self.labels:
                    if rest == notation or rest.startswith(notation + "/"):
                        return notation
        return None


@lru_cache(maxsize=2)
def scdl_schemas(vocab_dir: str = str(VOCAB_DIR)) -> Scdl:
    labels: dict[str, str] = {}
    notations: dict[str, str] = {}
    linked: list[tuple[str, str]] = []
    for path in sorted(Path(vocab_dir).glob("scdl-schemas*.ttl")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            s, p = t.subject.value, t.predicate.value
            if p == NOTATION:
                notations[s] = t.object.value
            elif p.endswith("#prefLabel") and getattr(t.object, "language", None) == "fr":
                linked.append((s, "label:" + t.object.value))
            elif isinstance(t.object, ox.NamedNode) and p.endswith(("schemaURL", "SchemaURL")):
                linked.append((s, t.object.value))
    iris: dict[str, str] = {}
    for concept, notation in notations.items():
        if notation.startswith(SCDL_PREFIX):
            iris[concept] = notation
    for concept, value in linked:
        notation = notations.get(concept, "")
        if not notation.startswith(SCDL_PREFIX):
            continue
        if value.startswith("label:"):
            labels[notation] = value[6:]
        else:
            iris[value] = notation
    return Scdl(dict(sorted(labels.items())), iris)


@dataclass
class PublisherStats:
    datasets: int = 0
    schemas: set[str] = field(default_factory=set)
    completeness: list[float] = field(default_factory=list)


@dataclass
class CommuneRow:
    code: str
    siren: str | None
    name: str
    population: int | None
    likely_obliged: bool
    exempt: str | None  # the operator's reason
    publishers: list[str]
    datasets: int
    scdl: list[str]
    completeness: float | None  # 0..1, average over its datasets


@dataclass
class Dashboard:
    area: Territory | None  # None: the whole instance
    threshold: int
    registry_version: str
    rows: list[CommuneRow]
    scdl_labels: dict[str, str]
    areas: list[Territory] = field(default_factory=list)  # instance: EPCIs of its publishers
    # Publishers that are the area itself (an EPCI publishing in its own name): id → records.
    own: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> dict[str, object]:
        obliged = [r for r in self.rows if r.likely_obliged]
        scores = [r.completeness for r in self.rows if r.completeness is not None]
        return {
            "communes": len(self.rows),
            "likely_obliged": len(obliged),
            "exempt": sum(1 for r in self.rows if r.exempt),
            "obliged_publishing": sum(1 for r in obliged if r.datasets),
            "obliged_silent": sum(1 for r in obliged if not r.datasets),
            "publishing": sum(1 for r in self.rows if r.datasets),
            "datasets": sum(r.datasets for r in self.rows),
            "completeness": round(sum(scores) / len(scores), 3) if scores else None,
            "scdl_coverage": {n: sum(1 for r in obliged if n in r.scdl)
                              for n in self.scdl_labels},
        }

    def to_dict(self) -> dict[str, object]:
        area = self.area
        return {
            "area": None if area is None else {
                "key": area.key, "kind": area.kind, "code": area.code, "siren": area.siren,
                "name": area.name, "iri": area.iri, "population": area.legal_population},
            "threshold": self.threshold, "registry_version": self.registry_version,
            "summary": self.summary,
            "scdl": self.scdl_labels,
            "areas": [{"key": a.key, "name": a.name, "iri": a.iri} for a in self.areas],
            "area_publishers": self.own,
            "communes": [asdict(r) for r in self.rows],
        }


def publisher_stats(store: Store, publisher_ids: Iterable[str], scdl: Scdl
                    ) -> dict[str, PublisherStats]:
    ids = sorted(set(publisher_ids))
    stats = {i: PublisherStats() for i in ids}
    if not ids:
        return stats
    values = "VALUES ?pub { " + " ".join(Literal(i).n3() for i in ids) + " }"
    records = (f"GRAPH <{RECORDS_GRAPH}> {{ {values} ?rec <{SOCLE.publisherId}> ?pub ; "
               f"<{FOAF.primaryTopic}> ?iri }}")
    for row in store.select(f"SELECT ?pub (COUNT(?iri) AS ?n) WHERE {{ {records} }} "
                            "GROUP BY ?pub"):
        stats[str(row["pub"])].datasets = int(str(row["n"]))
    for row in store.select(f"SELECT DISTINCT ?pub ?std WHERE {{ {records} GRAPH ?iri {{ "
                            f"?iri <{DCTERMS.conformsTo}> ?std }} }}"):
        notation = scdl.notation_of(str(row["std"]))
        if notation:
            stats[str(row["pub"])].schemas.add(notation)
    own = " ".join(f"<{p}>" for _, p, on_dist in COMPLETENESS if not on_dist)
    dist = " ".join(f"<{p}>" for _, p, on_dist in COMPLETENESS if on_dist)
    present: dict[tuple[str, str], int] = {}
    for row in store.select(f"""SELECT ?pub ?iri (COUNT(DISTINCT ?p) AS ?n) WHERE {{ {records}
        OPTIONAL {{ GRAPH ?iri {{ {{ VALUES ?p {{ {own} }} ?iri ?p ?o }} UNION
          {{ VALUES ?p {{ {dist} }} ?iri <{DCAT.distribution}> ?d . ?d ?p ?o }} }} }} }}
        GROUP BY ?pub ?iri"""):
        present[(str(row["pub"]), str(row["iri"]))] = int(str(row["n"]))
    for (pub, _), n in present.items():
        stats[pub].completeness.append(n / len(COMPLETENESS))
    return stats


def _publishers_by_commune(pubs: list[Publisher], reg: Registry) -> dict[str, list[Publisher]]:
    out: dict[str, list[Publisher]] = {}
    for pub in pubs:
        t = territory_of(pub, reg)
        if t is not None and t.kind == "COM":
            out.setdefault(t.code, []).append(pub)
    return out


def dashboard(store: Store, area: Territory | None, threshold: int,
              reg: Registry | None = None, scdl: Scdl | None = None) -> Dashboard:
    """The dashboard of `area` (an EPCI, département, région, or a commune alone), or of the
    instance when None: the communes that publish here and the members of its EPCIs."""
    reg = reg or registry()
    scdl = scdl or scdl_schemas()
    pubs = list_publishers(store)
    by_commune = _publishers_by_commune(pubs, reg)
    areas: list[Territory] = []
    if area is not None:
        communes = reg.communes_of(area)
    else:
        seen: dict[str, Territory] = {}
        for pub in pubs:
            t = territory_of(pub, reg)
            if t is None:
                continue
            if t.kind == "EPCI":
                areas.append(t)
            for c in reg.communes_of(t):
                seen[c.code] = c
        communes = list(seen.values())
    own = [p.id for p in pubs if area is not None and area.kind != "COM"
           and territory_of(p, reg) == area]
    wanted = [p.id for c in communes for p in by_commune.get(c.code, [])]
    stats = publisher_stats(store, wanted + own, scdl)
    exempt: dict[str, Exemption] = exemptions(store)
    rows = []
    for c in communes:
        mine = [stats[p.id] for p in by_commune.get(c.code, [])]
        scores = [s for st in mine for s in st.completeness]
        reason = exempt[c.siren].reason if c.siren in exempt else None
        population = c.legal_population
        rows.append(CommuneRow(
            code=c.code, siren=c.siren, name=c.name, population=population,
            likely_obliged=population is not None and population > threshold and not reason,
            exempt=reason, publishers=[p.id for p in by_commune.get(c.code, [])],
            datasets=sum(st.datasets for st in mine),
            scdl=sorted(set().union(*(st.schemas for st in mine))) if mine else [],
            completeness=round(sum(scores) / len(scores), 3) if scores else None))
    rows.sort(key=lambda r: (-(r.population or 0), r.name))
    return Dashboard(area, threshold, reg.version, rows, scdl.labels,
                     sorted(areas, key=lambda a: a.name), {p: stats[p].datasets for p in own})
