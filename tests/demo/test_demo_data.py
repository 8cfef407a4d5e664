"""Demo catalogue of ``socle serve --demo``: well-formed, realistic, DCAT-AP 3.0.1 conformant."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from service.demo import DEMO_PUBLISHERS, demo_records

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
SHACL_DIR = SHARED / "dcat-ap-shacl" / "3.0.1" / "html-shacl"
SCDL_CATALOGUE = SHARED / "scdl-catalogue" / "schemas-scdl.json"
EU_VOCABULARIES = SHARED / "eu-vocabularies"

SH = Namespace("http://www.w3.org/ns/shacl#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
LICENCE_OUVERTE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
ODBL = URIRef("https://opendatacommons.org/licenses/odbl/1-0/")

# Datasets that deliberately lack a recommended property, to show warnings in the demo.
EXPECTED_WARNINGS = {
    "breteil-prenoms-nouveaux-nes": DCAT.contactPoint,
    "iffendic-equipements": DCTERMS.spatial,
    "bedee-subventions-2024": DCTERMS.temporal,
}

# Class expected by range.ttl (sh:class) for IRI objects of these properties. The service
# adds no typing of its own to records; the test types the referenced IRIs the way the EU
# vocabularies / background ontologies would.
RANGE_TYPES = {
    DCAT.theme: SKOS.Concept,
    DCATAP.availability: SKOS.Concept,
    DCTERMS.accrualPeriodicity: DCTERMS.Frequency,
    DCTERMS.language: DCTERMS.LinguisticSystem,
    DCTERMS.accessRights: DCTERMS.RightsStatement,
    DCTERMS.conformsTo: DCTERMS.Standard,
    DCAT.landingPage: FOAF.Document,
    DCTERMS.license: DCTERMS.LicenseDocument,
    DCTERMS.format: DCTERMS.MediaTypeOrExtent,
    DCAT.mediaType: DCTERMS.MediaType,
    DCTERMS.spatial: DCTERMS.Location,
}


@cache
def records() -> tuple[tuple[str, bytes], ...]:
    return tuple(demo_records())


@cache
def parsed() -> tuple[tuple[str, Graph], ...]:
    return tuple((pid, Graph().parse(data=ttl, format="turtle")) for pid, ttl in records())


def dataset_of(graph: Graph) -> URIRef | BNode:
    (dataset,) = graph.subjects(RDF.type, DCAT.Dataset)
    return dataset


def identifier_of(graph: Graph) -> str | None:
    value = graph.value(dataset_of(graph), DCTERMS.identifier)
    return None if value is None else str(value)


def luhn_ok(number: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(number)):
        digit = int(char) * (2 if i % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


# --- publishers ------------------------------------------------------------------------------


def test_publishers_are_well_formed() -> None:
    ids = [p["id"] for p in DEMO_PUBLISHERS]
    assert len(ids) == len(set(ids)) >= 3
    for publisher in DEMO_PUBLISHERS:
        assert set(publisher) == {"id", "name", "siren"}
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", publisher["id"])
        assert publisher["name"].strip()
        assert re.fullmatch(r"\d{9}", publisher["siren"]) and luhn_ok(publisher["siren"])
    assert len({p["siren"] for p in DEMO_PUBLISHERS}) == len(DEMO_PUBLISHERS)


def test_every_publisher_publishes() -> None:
    assert {pid for pid, _ in records()} == {p["id"] for p in DEMO_PUBLISHERS}


# --- records -------------------------------------------------------------------------------


def test_record_count_and_types() -> None:
    assert 28 <= len(records()) <= 35
    for pid, ttl in records():
        assert isinstance(pid, str) and isinstance(ttl, bytes)


def test_records_are_deterministic() -> None:
    assert tuple(demo_records()) == records()


def test_each_record_is_one_dataset_without_publisher() -> None:
    for pid, graph in parsed():
        datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
        assert len(datasets) == 1, pid
        assert (None, DCTERMS.publisher, None) not in graph, pid
        # nothing in the record is outside the dataset's description
        assert len(graph.cbd(datasets[0])) == len(graph), pid


def test_identifiers_are_unique_and_on_most_records() -> None:
    identifiers = [identifier_of(g) for _, g in parsed()]
    present = [i for i in identifiers if i is not None]
    assert len(present) == len(set(present))
    assert len(present) >= 0.8 * len(identifiers)
    assert len(present) < len(identifiers)  # a couple go without, as in real catalogues


def test_mix_of_blank_and_harvested_iris() -> None:
    kinds = [type(dataset_of(g)) for _, g in parsed()]
    assert kinds.count(URIRef) >= 2
    assert kinds.count(BNode) >= 0.8 * len(kinds)


def test_harvested_dataset_iris_are_not_reused() -> None:
    # e.g. a dataset IRI equal to its landing page would make it a foaf:Document too
    for pid, graph in parsed():
        dataset = dataset_of(graph)
        if isinstance(dataset, URIRef):
            assert (None, None, dataset) not in graph, pid
            assert str(dataset).startswith("https://data."), pid


def test_records_are_in_french_with_some_english() -> None:
    english = 0
    for pid, graph in parsed():
        dataset = dataset_of(graph)
        for prop in (DCTERMS.title, DCTERMS.description):
            langs = {lit.language for lit in graph.objects(dataset, prop)}
            assert "fr" in langs, (pid, prop)
        if "en" in {lit.language for lit in graph.objects(dataset, DCTERMS.title)}:
            english += 1
        for keyword in graph.objects(dataset, DCAT.keyword):
            assert keyword.language == "fr", pid
    assert english >= 3


def test_distributions() -> None:
    licences = set()
    checksums = 0
    for pid, graph in parsed():
        distributions = list(graph.objects(dataset_of(graph), DCAT.distribution))
        assert 1 <= len(distributions) <= 3, pid
        for dist in distributions:
            assert isinstance(dist, BNode)
            assert (dist, RDF.type, DCAT.Distribution) in graph
            assert isinstance(graph.value(dist, DCAT.accessURL), URIRef)
            assert isinstance(graph.value(dist, DCAT.downloadURL), URIRef)
            assert str(graph.value(dist, DCAT.mediaType)).startswith(
                "https://www.iana.org/assignments/media-types/"
            )
            licences.add(graph.value(dist, DCTERMS.license))
            checksums += len(list(graph.objects(dist, URIRef("http://spdx.org/rdf/terms#checksum"))))
    assert licences == {LICENCE_OUVERTE, ODBL}
    assert checksums >= 1


def test_contact_points_are_typed_vcard_kind() -> None:
    # typed explicitly: validators without RDFS inference ignore Organization ⊑ Kind
    for pid, graph in parsed():
        for contact in graph.objects(dataset_of(graph), DCAT.contactPoint):
            assert (contact, RDF.type, VCARD.Kind) in graph, pid
            assert str(graph.value(contact, VCARD.hasEmail)).startswith("mailto:"), pid


def test_dates_are_typed() -> None:
    for pid, graph in parsed():
        for prop in (DCTERMS.issued, DCTERMS.modified, DCAT.startDate, DCAT.endDate):
            for value in graph.objects(None, prop):
                assert isinstance(value, Literal), pid
                assert value.datatype in (XSD.date, XSD.dateTime), (pid, prop, value)
                assert value.value is not None and not isinstance(value.value, str), (pid, value)


def _vocabulary(filename: str) -> set[URIRef]:
    graph = Graph().parse(EU_VOCABULARIES / filename, format="xml")
    return set(graph.subjects(RDF.type, SKOS.Concept))


def test_eu_vocabulary_values_exist() -> None:
    vocabularies = {
        DCAT.theme: _vocabulary("data-theme-skos.rdf"),
        DCTERMS.accrualPeriodicity: _vocabulary("frequencies-skos.rdf"),
        DCTERMS.format: _vocabulary("filetypes-skos.rdf"),
        DCTERMS.accessRights: _vocabulary("access-right-skos-ap-act.rdf"),
    }
    for pid, graph in parsed():
        for prop, concepts in vocabularies.items():
            for value in graph.objects(None, prop):
                assert value in concepts, (pid, prop, value)
        for value in graph.objects(None, DCTERMS.language):
            assert value == URIRef(EU + "language/FRA")


def test_conforms_to_known_schemas() -> None:
    catalogue = json.loads(SCDL_CATALOGUE.read_text(encoding="utf-8"))
    # the schema page IRI https://schema.data.gouv.fr/<name>/ (as in vocab/scdl-schemas.ttl)
    urls = {f"https://schema.data.gouv.fr/{schema['name']}/" for schema in catalogue["schemas"]}
    with_schema = 0
    for pid, graph in parsed():
        values = list(graph.objects(dataset_of(graph), DCTERMS.conformsTo))
        with_schema += bool(values)
        for value in values:
            assert str(value) in urls, (pid, value)
    assert with_schema >= 0.7 * len(records())


def test_spatial_uses_insee_communes_of_the_publishers() -> None:
    for _pid, graph in parsed():
        for value in graph.objects(dataset_of(graph), DCTERMS.spatial):
            if isinstance(value, URIRef):
                assert re.fullmatch(r"http://id\.insee\.fr/geo/commune/35\d{3}", str(value))
            else:
                assert (value, RDF.type, DCTERMS.Location) in graph


# --- DCAT-AP 3.0.1 SHACL ----------------------------------------------------------------------


@cache
def _shapes(*names: str) -> Graph:
    shapes = Graph()
    for name in names:
        text = (SHACL_DIR / name).read_text(encoding="utf-8")
        shapes.parse(data=text, format="turtle")
    # shapes.ttl uses the non-standard sh:shape for its date checks: make them effective.
    for s, o in list(shapes.subject_objects(SH.shape)):
        shapes.remove((s, SH.shape, o))
        shapes.add((s, SH.node, o))
    return shapes


def _data_graph() -> tuple[Graph, dict, set]:
    """All records in one graph, completed as the service and the EU vocabularies would."""
    data = Graph()
    datasets = {}
    typed_iris = set()
    for pid, graph in parsed():
        dataset = dataset_of(graph)
        datasets[dataset] = (pid, identifier_of(graph), set(graph.all_nodes()))
        data += graph
        agent = BNode()  # stands for the dct:publisher the service adds
        data.add((dataset, DCTERMS.publisher, agent))
        data.add((agent, RDF.type, FOAF.Agent))
        data.add((agent, FOAF.name, Literal("X")))
        data.add((agent, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/LocalAuthority")))
    data.add(
        (URIRef("http://purl.org/adms/publishertype/LocalAuthority"), RDF.type, SKOS.Concept)
    )
    data.add(
        (URIRef("http://purl.org/adms/publishertype/LocalAuthority"), SKOS.prefLabel,
         Literal("Local Authority", lang="en"))
    )
    for prop, cls in RANGE_TYPES.items():
        for value in set(data.objects(None, prop)):
            if isinstance(value, URIRef):
                typed_iris.add(value)
                data.add((value, RDF.type, cls))
                if cls == SKOS.Concept:
                    data.add((value, SKOS.prefLabel, Literal(value.split("/")[-1])))
    return data, datasets, typed_iris


def _results(report: Graph) -> list[tuple]:
    return [
        (
            report.value(r, SH.resultSeverity),
            report.value(r, SH.focusNode),
            report.value(r, SH.resultPath),
            report.value(r, SH.resultMessage),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


def test_records_conform_to_dcat_ap_3_shapes_and_ranges() -> None:
    if not SHACL_DIR.is_dir():
        pytest.skip(f"DCAT-AP shapes not found in {SHACL_DIR}")
    data, _, _ = _data_graph()
    conforms, report, text = validate(
        data, shacl_graph=_shapes("shapes.ttl", "range.ttl"), inference="none",
        allow_warnings=True,
    )
    violations = [r for r in _results(report) if r[0] == SH.Violation]
    assert not violations, text
    assert conforms, text


def test_only_the_deliberate_gaps_raise_recommendation_warnings() -> None:
    if not SHACL_DIR.is_dir():
        pytest.skip(f"DCAT-AP shapes not found in {SHACL_DIR}")
    data, datasets, typed_iris = _data_graph()
    _, report, text = validate(
        data, shacl_graph=_shapes("shapes_recommended.ttl"), inference="none",
        allow_warnings=True,
    )
    warned: dict[str, set] = {}
    for severity, focus, path, _message in _results(report):
        assert severity != SH.Violation, text
        if focus in typed_iris:
            continue  # vocabulary IRIs typed by this test, not part of the records
        owners = [info for info in datasets.values() if focus in info[2]]
        assert len(owners) == 1, (focus, path)
        warned.setdefault(owners[0][1], set()).add(path)
    assert warned == {ident: {path} for ident, path in EXPECTED_WARNINGS.items()}


def test_demo_loads_once(tmp_path):
    from service.app import build_services
    from service.catalog import bookkeeping
    from service.config import Settings
    from service.ingest.demo import load_demo

    svc = build_services(Settings(data=str(tmp_path / "d")))
    first = load_demo(svc.store, svc.records)
    again = load_demo(svc.store, svc.records)
    assert first["created"] >= 28 and again["created"] == 0
    assert bookkeeping.count_records(svc.store) == first["created"]
    svc.store.close()
