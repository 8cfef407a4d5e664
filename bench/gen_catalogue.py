"""A large synthetic catalogue for the feed benchmark, written straight into an Oxigraph store.

    python -m bench.gen_catalogue --n 100000 [--dir bench/results/feed-store-n100000]

Each record is what the validating write path (``RecordService._write``) would have stored,
without going through it (≈ 15–20 ms per write, i.e. ~30 min for 100k records):

- its named graph, named by the dataset IRI ``{base}/datasets/{id}`` (the IRI the service
  mints for a blank-node dataset with a slug ``dct:identifier``), holding the dataset, its
  nodes (temporal, contact point, 1–3 distributions) as skolem IRIs under
  ``{base}/datasets/{id}#…``, ``dct:publisher`` and the publisher's Agent triples
  (``publishers.publisher_triples``), like the demo records in ``service/demo/*.ttl``;
- its bookkeeping subject in ``urn:socle:graph:records`` exactly as
  ``bookkeeping.bookkeeping_change`` writes it (the content hash is a stand-in, the
  validation report a fixed, realistic one);
- the publishers in ``urn:socle:graph:publishers`` as ``publishers.add_publisher`` writes them.

Everything is emitted as N-Quads and loaded with ``pyoxigraph.Store.bulk_load``.
``tests/bench/test_feed_smoke.py`` checks the bookkeeping and publisher lines against the
service's own functions and that a generated record, posted through the real write path, is
stored as the same graph (up to skolem IRI names).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
BASE = "http://socle.bench"
GEN_VERSION = 1  # bump when the generated data changes: cached stores are rebuilt

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
DCATAP = "http://data.europa.eu/r5r/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SOCLE = "https://socle.opendata.fr/ns#"
EU = "http://publications.europa.eu/resource/authority"
RECORDS_GRAPH = "urn:socle:graph:records"
PUBLISHERS_GRAPH = "urn:socle:graph:publishers"
LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
RDF_JSON = f"{RDF}JSON"
ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

# (name, INSEE code, SIREN): Ille-et-Vilaine style communes; SIRENs are made up.
COMMUNES = [
    ("Montfort-sur-Meu", "35188"), ("Iffendic", "35133"), ("Bédée", "35023"),
    ("Breteil", "35040"), ("Talensac", "35331"), ("Pleumeleuc", "35227"),
    ("La Nouaye", "35205"), ("Saint-Gonlay", "35274"), ("Montauban-de-Bretagne", "35184"),
    ("Médréac", "35170"), ("Saint-Méen-le-Grand", "35297"), ("Gaël", "35116"),
    ("Muel", "35200"), ("Paimpont", "35211"), ("Plélan-le-Grand", "35223"),
    ("Treffendel", "35343"), ("Monterfil", "35186"), ("Saint-Péran", "35307"),
    ("Mordelles", "35196"), ("Le Verger", "35351"), ("Cintré", "35080"),
    ("L'Hermitage", "35131"), ("La Chapelle-Thouarault", "35065"), ("Le Rheu", "35240"),
    ("Vezin-le-Coquet", "35353"), ("Pacé", "35210"), ("Gévezé", "35120"),
    ("Romillé", "35245"), ("Irodouër", "35135"), ("Landujan", "35143"),
    ("Quédillac", "35233"), ("Saint-Onen-la-Chapelle", "35303"), ("Boisgervilly", "35027"),
    ("Landivisiau-sur-Meu", "35900"), ("Bréal-sous-Montfort", "35037"),
    ("Chavagne", "35076"), ("Goven", "35123"), ("Baulon", "35016"), ("Guichen", "35126"),
    ("Laillé", "35139"),
]
SUBJECTS = [
    # (title, slug, themes, schema or None, description)
    ("Délibérations du conseil municipal", "deliberations", ["GOVE"],
     "https://schema.data.gouv.fr/scdl/deliberations/",
     "Délibérations adoptées par le conseil municipal, au format SCDL Délibérations."),
    ("Budget primitif", "budget", ["ECON", "GOVE"],
     "https://schema.data.gouv.fr/scdl/budget/",
     "Budget primitif voté, par chapitre et par article, au format SCDL Budget."),
    ("Subventions versées aux associations", "subventions", ["ECON"],
     "https://schema.data.gouv.fr/scdl/subventions/",
     "Subventions attribuées aux associations (bénéficiaire, objet, montant)."),
    ("Équipements sportifs", "equipements-sportifs", ["EDUC", "SOCI"], None,
     "Terrains, salles et équipements sportifs municipaux avec leurs horaires d'ouverture."),
    ("Horaires des transports scolaires", "transports-scolaires", ["TRAN"], None,
     "Circuits et horaires des cars scolaires desservant la commune."),
    ("Qualité de l'eau potable", "qualite-eau", ["HEAL", "ENVI"], None,
     "Résultats du contrôle sanitaire de l'eau distribuée sur la commune."),
    ("Consommation énergétique des bâtiments communaux", "energie-batiments", ["ENER"], None,
     "Consommations annuelles d'électricité et de gaz par bâtiment communal."),
    ("Arbres d'alignement", "arbres", ["ENVI"], None,
     "Inventaire des arbres d'alignement : essence, hauteur, état sanitaire, position."),
    ("Marchés publics attribués", "marches-publics", ["GOVE", "ECON"],
     "https://schema.data.gouv.fr/139bercy/format-commande-publique/",
     "Données essentielles des marchés publics attribués par la commune."),
    ("Bornes de recharge pour véhicules électriques", "irve", ["TRAN", "ENER"],
     "https://schema.data.gouv.fr/etalab/schema-irve-statique/",
     "Points de recharge pour véhicules électriques, au format IRVE statique."),
    ("Menus de la restauration scolaire", "menus-cantine", ["EDUC"], None,
     "Menus servis chaque jour dans les restaurants scolaires de la commune."),
    ("Défibrillateurs", "defibrillateurs", ["HEAL"],
     "https://schema.data.gouv.fr/atlasante/schema-dae/",
     "Défibrillateurs automatisés externes installés dans les équipements municipaux."),
]
FREQUENCIES = ["MONTHLY", "ANNUAL", "WEEKLY", "DAILY", "QUARTERLY", "IRREG"]
KEYWORDS = ["citoyenneté", "finances", "environnement", "mobilité", "éducation", "santé",
            "énergie", "urbanisme", "sport", "culture", "transparence", "open data",
            "SCDL", "conseil municipal", "associations", "patrimoine"]
FORMATS = [("CSV", "csv", "text/csv"), ("JSON", "json", "application/json"),
           ("GEOJSON", "geojson", "application/geo+json"),
           ("XLSX", "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           ("PDF", "pdf", "application/pdf"),
           ("ODS", "ods", "application/vnd.oasis.opendocument.spreadsheet")]
LICENCES = [ETALAB, f"{EU}/licence/ODBL", f"{EU}/licence/CC_BY_4_0"]

_SHAPES = "https://socle.opendata.fr/shapes/dcat-ap-3#"
# path → (shape, what, must be, class): the Info results the fast engine gives. The language
# (FRA) and availability (STABLE) the records use are typed by vocab/ itself: no Info.
_CLASS_INFO = {
    f"{DCT}spatial": ("Dataset-dct_spatial-class", "« couverture géographique » (dct:spatial) "
                      "du jeu de données", "un lieu (dct:Location)",
                      "The spatial coverage (dct:spatial) of the dataset",
                      "a location (dct:Location)", "dct:Location"),
    f"{DCAT}landingPage": ("Dataset-dcat_landingPage-class", "« page d'accueil » "
                           "(dcat:landingPage) du jeu de données", "une page web (foaf:Document)",
                           "The landing page (dcat:landingPage) of the dataset",
                           "a web page (foaf:Document)", "foaf:Document"),
    f"{DCAT}mediaType": ("Distribution-dcat_mediaType-class", "« type de média » "
                         "(dcat:mediaType) de la distribution", "un type de média IANA",
                         "The media type (dcat:mediaType) of the distribution",
                         "an IANA media type", "dct:MediaType"),
    f"{DCT}type": ("Agent-dct_type-class", "« type » (dct:type) de l'agent",
                   "un concept d'un vocabulaire contrôlé", "The type (dct:type) of the agent",
                   "a concept of a controlled vocabulary", "skos:Concept"),
}


def _validation(rec_iri: str, statements: list[tuple[str, str, str]], skolem: str,
                publisher_iri: str) -> dict[str, Any]:
    """The report the fast engine gives such a record (same results, same messages): one
    Warning per distribution (no description), Info on vocabulary values it cannot type."""
    def node(t: str) -> str:
        return rec_iri if t == "ROOT" else f"{skolem}{t[2:]}"

    results = []
    for s, p, _o in statements:
        if p == f"<{RDF}type>" and _o == f"<{DCAT}Distribution>":
            results.append({"focus": node(s), "path": f"{DCT}description", "value": None,
                            "severity": "Warning", "message": {
                                "fr": "Recommandé : ajoutez une description (dct:description) "
                                      "à la distribution.",
                                "en": "Recommended: add a description (dct:description) to "
                                      "the distribution."},
                            "shape": f"{_SHAPES}Distribution-dct_description-min"})
    checks = [(node(s), p[1:-1], o[1:-1]) for s, p, o in statements if p[1:-1] in _CLASS_INFO]
    checks.append((publisher_iri, f"{DCT}type", LOCAL_AUTHORITY))
    for focus, path, value in checks:
        shape, what_fr, must_fr, what_en, must_en, cls = _CLASS_INFO[path]
        results.append({"focus": focus, "path": path, "value": value, "severity": "Info",
                        "message": {
                            "fr": f"{what_fr} doit être {must_fr} : choisissez une valeur des "
                                  "vocabulaires de référence ou déclarez son type "
                                  f"(rdf:type {cls}).",
                            "en": f"{what_en} must be {must_en}: pick a value from the "
                                  "reference vocabularies or declare its type "
                                  f"(rdf:type {cls})."},
                        "shape": f"{_SHAPES}{shape}"})
    warnings = sum(r["severity"] == "Warning" for r in results)
    return {"conforms": True, "violations": 0, "warnings": warnings, "results": results}


# -- terms ---------------------------------------------------------------------------------------
def iri(value: str) -> str:
    return f"<{value}>"


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    body = ('"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r") + '"')
    if lang:
        return f"{body}@{lang}"
    if datatype:
        return f"{body}^^<{datatype}>"
    return body


@dataclass(frozen=True)
class Publisher:
    id: str
    name: str
    siren: str
    iri: str


def publishers(count: int, base: str = BASE) -> list[Publisher]:
    out = []
    for k in range(count):
        name, insee = COMMUNES[k % len(COMMUNES)]
        suffix = f"-{k // len(COMMUNES)}" if k >= len(COMMUNES) else ""
        pid = _slug(name) + suffix
        siren = f"2135{int(insee[2:]) % 100000:05d}"[:9]
        out.append(Publisher(pid, f"Commune de {name}{suffix}", siren,
                             f"{base}/publishers/{pid}"))
    return out


def _slug(name: str) -> str:
    table = str.maketrans("éèêëàâîïôöûüç'", "eeeeaaiioouuc-")
    return "-".join(name.lower().translate(table).replace("-", " ").split())


def publisher_lines(pub: Publisher, graph: str) -> list[str]:
    """``publishers.publisher_triples`` (the Agent, also copied into each record graph)."""
    node, g = iri(pub.iri), iri(graph)
    return [
        f"{node} <{RDF}type> <{FOAF}Agent> {g} .",
        f"{node} <{RDF}type> <{FOAF}Organization> {g} .",
        f"{node} <{FOAF}name> {lit(pub.name, 'fr')} {g} .",
        f"{node} <{DCT}type> <{LOCAL_AUTHORITY}> {g} .",
        f"{node} <{DCT}identifier> {lit(pub.siren)} {g} .",
    ]


def publisher_graph_lines(pub: Publisher) -> list[str]:
    """What ``publishers.add_publisher`` stores in the publishers graph."""
    return [*publisher_lines(pub, PUBLISHERS_GRAPH),
            f"{iri(pub.iri)} <{SOCLE}localId> {lit(pub.id)} {iri(PUBLISHERS_GRAPH)} ."]


# -- records -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Record:
    id: str
    iri: str
    publisher: Publisher
    issued: str  # bookkeeping stamp (creation), UTC, milliseconds
    modified: str
    # (subject, predicate, object) in N-Triples syntax; subjects "ROOT" or "_:label"
    statements: list[tuple[str, str, str]]


def make_record(i: int, n: int, pubs: list[Publisher], rng: random.Random,
                base: str = BASE) -> Record:
    title, slug, themes, schema, description = SUBJECTS[i % len(SUBJECTS)]
    pub = pubs[(i // len(SUBJECTS)) % len(pubs)]
    commune = pub.name.removeprefix("Commune de ")
    insee = COMMUNES[pubs.index(pub) % len(COMMUNES)][1]
    year = 2015 + i % 10
    record_id = f"{pub.id}-{slug}-{i:06d}"
    dataset_iri = f"{base}/datasets/{record_id}"
    host = f"data.{pub.id}.example"
    # Creation stamps spread over five years in i order; ms precision like bookkeeping.now().
    span_ms = 5 * 365 * 24 * 3600 * 1000
    step = max(1, span_ms // max(n, 1))
    created = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(
        milliseconds=i * step + rng.randrange(step))
    updated = created + timedelta(days=rng.randrange(0, 400), seconds=rng.randrange(86400))
    issued, modified = _stamp(created), _stamp(updated)

    S: list[tuple[str, str, str]] = []

    def add(s: str, p: str, o: str) -> None:
        S.append((s, p, o))

    r = "ROOT"
    add(r, f"<{RDF}type>", f"<{DCAT}Dataset>")
    add(r, f"<{DCT}identifier>", lit(record_id))
    add(r, f"<{DCT}title>", lit(f"{title} — {commune} ({year}) n° {i}", "fr"))
    add(r, f"<{DCT}description>",
        lit(f"{description} Commune de {commune}, millésime {year}. Jeu n° {i}.", "fr"))
    for word in rng.sample(KEYWORDS, rng.randint(2, 4)):
        add(r, f"<{DCAT}keyword>", lit(word, "fr"))
    for theme in themes:
        add(r, f"<{DCAT}theme>", iri(f"{EU}/data-theme/{theme}"))
    add(r, f"<{DCT}accrualPeriodicity>", iri(f"{EU}/frequency/{rng.choice(FREQUENCIES)}"))
    add(r, f"<{DCT}issued>", lit(f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", None,
                                 f"{XSD}date"))
    add(r, f"<{DCT}modified>", lit(modified, None, f"{XSD}dateTime"))
    add(r, f"<{DCT}spatial>", iri(f"http://id.insee.fr/geo/commune/{insee}"))
    add(r, f"<{DCT}language>", iri(f"{EU}/language/FRA"))
    add(r, f"<{DCT}accessRights>", iri(f"{EU}/access-right/PUBLIC"))
    add(r, f"<{DCAT}landingPage>", iri(f"https://{host}/datasets/{slug}-{i}"))
    if schema:
        add(r, f"<{DCT}conformsTo>", iri(schema))
    add(r, f"<{DCT}temporal>", "_:t")
    add("_:t", f"<{RDF}type>", f"<{DCT}PeriodOfTime>")
    add("_:t", f"<{DCAT}startDate>", lit(f"{year}-01-01", None, f"{XSD}date"))
    add("_:t", f"<{DCAT}endDate>", lit(f"{year}-12-31", None, f"{XSD}date"))
    add(r, f"<{DCAT}contactPoint>", "_:c")
    add("_:c", f"<{RDF}type>", f"<{VCARD}Organization>")
    add("_:c", f"<{RDF}type>", f"<{VCARD}Kind>")
    add("_:c", f"<{VCARD}fn>", lit(f"Mairie de {commune}"))
    add("_:c", f"<{VCARD}hasEmail>", iri(f"mailto:contact@{host}"))
    licence = rng.choice(LICENCES)
    for k, (fmt, ext, media) in enumerate(rng.sample(FORMATS, rng.randint(1, 3))):
        d = f"_:d{k}"
        url = f"https://{host}/files/{slug}-{i}.{ext}"
        add(r, f"<{DCAT}distribution>", d)
        add(d, f"<{RDF}type>", f"<{DCAT}Distribution>")
        add(d, f"<{DCT}title>", lit(f"{title} ({fmt})", "fr"))
        add(d, f"<{DCAT}accessURL>", iri(f"https://{host}/datasets/{slug}-{i}"))
        add(d, f"<{DCAT}downloadURL>", iri(url))
        add(d, f"<{DCT}format>", iri(f"{EU}/file-type/{fmt}"))
        add(d, f"<{DCAT}mediaType>", iri(f"https://www.iana.org/assignments/media-types/{media}"))
        add(d, f"<{DCT}license>", iri(licence))
        add(d, f"<{DCATAP}availability>", iri(f"{EU}/planned-availability/STABLE"))
    return Record(record_id, dataset_iri, pub, issued, modified, S)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def blank_record_lines(rec: Record, i: int) -> Iterator[str]:
    """A record as an import document has it: N-Triples with blank nodes of its own
    (``_:r{i}`` for the dataset), no IRI minted yet."""

    def term(t: str) -> str:
        if t == "ROOT":
            return f"_:r{i}"
        return f"_:r{i}x{t[2:]}" if t.startswith("_:") else t

    for s, p, o in rec.statements:
        yield f"{term(s)} {p} {term(o)} ."


def record_turtle(rec: Record) -> str:
    """The record as a client would POST it (blank nodes, no publisher: the service adds it)."""
    lines = []
    for s, p, o in rec.statements:
        lines.append(f"{'_:root' if s == 'ROOT' else s} {p} {o} .")
    return "\n".join(lines) + "\n"


def record_lines(rec: Record, base: str = BASE) -> list[str]:
    """The record's named graph as the write path stores it, then its bookkeeping."""
    g = iri(rec.iri)
    skolem = f"{base}/datasets/{rec.id}#"

    def term(t: str) -> str:
        if t == "ROOT":
            return g
        if t.startswith("_:"):
            return f"<{skolem}{t[2:]}>"
        return t

    out = [f"{term(s)} {p} {term(o)} {g} ." for s, p, o in rec.statements]
    out.append(f"{g} <{DCT}publisher> {iri(rec.publisher.iri)} {g} .")
    out += publisher_lines(rec.publisher, rec.iri)
    out += bookkeeping_lines(rec, base)
    return out


def bookkeeping_lines(rec: Record, base: str = BASE) -> list[str]:
    """``bookkeeping.bookkeeping_change`` as N-Quads."""
    node, g = iri(f"{base}/records/{rec.id}"), iri(RECORDS_GRAPH)
    validation = _validation(rec.iri, rec.statements, f"{base}/datasets/{rec.id}#",
                             rec.publisher.iri)
    digest = hashlib.sha256(rec.id.encode()).hexdigest()  # stand-in for content_hash
    return [
        f"{node} <{RDF}type> <{DCAT}CatalogRecord> {g} .",
        f"{node} <{FOAF}primaryTopic> {iri(rec.iri)} {g} .",
        f"{node} <{SOCLE}localId> {lit(rec.id)} {g} .",
        f"{node} <{DCT}publisher> {iri(rec.publisher.iri)} {g} .",
        f"{node} <{SOCLE}publisherId> {lit(rec.publisher.id)} {g} .",
        f"{node} <{DCT}issued> {lit(rec.issued, None, f'{XSD}dateTime')} {g} .",
        f"{node} <{DCT}modified> {lit(rec.modified, None, f'{XSD}dateTime')} {g} .",
        f"{node} <{SOCLE}contentHash> {lit(digest)} {g} .",
        f"{node} <{SOCLE}warnings> {lit(str(validation['warnings']), None, f'{XSD}integer')}"
        f" {g} .",
        f"{node} <{SOCLE}validation> "
        f"{lit(json.dumps(validation, ensure_ascii=False), None, RDF_JSON)} {g} .",
    ]


def generate(n: int, seed: int = 20240115, publisher_count: int = 40,
             base: str = BASE) -> Iterator[str]:
    """All N-Quads lines: the publishers graph, then every record (graph + bookkeeping)."""
    rng = random.Random(seed)
    pubs = publishers(publisher_count, base)
    for pub in pubs:
        yield from publisher_graph_lines(pub)
    for i in range(n):
        yield from record_lines(make_record(i, n, pubs, rng, base), base)


# -- store ---------------------------------------------------------------------------------------
def store_dir(n: int) -> Path:
    return RESULTS / f"feed-store-n{n}-v{GEN_VERSION}"


def build_store(n: int, directory: Path | None = None, *, force: bool = False,
                log=print) -> dict[str, Any]:
    """The cached store for n records (built when missing); returns what it took."""
    import pyoxigraph as ox

    directory = Path(directory or store_dir(n))
    marker = directory / "socle-bench.json"
    if marker.exists() and not force:
        info = json.loads(marker.read_text())
        info["cached"] = True
        return info
    if directory.exists():
        shutil.rmtree(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    lines = 0
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".nq",
                                     dir=directory.parent, delete=False) as tmp:
        for line in generate(n):
            tmp.write(line)
            tmp.write("\n")
            lines += 1
    gen_s = time.perf_counter() - t0
    log(f"generated {lines:,} quads for {n:,} records in {gen_s:.1f} s")
    try:
        t1 = time.perf_counter()
        store = ox.Store(str(directory))
        store.bulk_load(path=tmp.name, format=ox.RdfFormat.N_QUADS)
        store.flush()
        load_s = time.perf_counter() - t1
        quads = len(store)
        del store
    finally:
        os.unlink(tmp.name)
    log(f"bulk-loaded {quads:,} quads in {load_s:.1f} s into {directory}")
    info = {"n": n, "gen_version": GEN_VERSION, "quads": quads,
            "quads_per_record": round(quads / max(n, 1), 1),
            "generate_s": round(gen_s, 2), "bulk_load_s": round(load_s, 2), "base": BASE}
    marker.write_text(json.dumps(info))
    info["cached"] = False
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--force", action="store_true", help="rebuild even if cached")
    args = parser.parse_args(argv)
    print(json.dumps(build_store(args.n, args.dir, force=args.force)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
