"""Namespaces used across Socle, in one place so that prefixes stay consistent in every output."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SCHEMA = Namespace("http://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
SOCLE = Namespace("https://socle.opendata.fr/ns#")

PREFIXES: dict[str, str] = {
    "adms": str(ADMS),
    "dcat": str(DCAT),
    "dcatap": str(DCATAP),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "geosparql": str(GSP),
    "hydra": str(HYDRA),
    "locn": str(LOCN),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "socle": str(SOCLE),
    "spdx": str(SPDX),
    "vcard": str(VCARD),
    "xsd": str(XSD),
}

# Resource types that make a catalogue record (DCAT-AP 3 "cataloged resources").
DATASET_SERIES = URIRef(f"{DCAT}DatasetSeries")  # missing from rdflib's DCAT namespace
RECORD_TYPES = (DCAT.Dataset, DATASET_SERIES, DCAT.DataService)

# System graphs: kept apart from record graphs so a record replace never touches them.
RECORDS_GRAPH = "urn:socle:graph:records"
PUBLISHERS_GRAPH = "urn:socle:graph:publishers"
AUTH_GRAPH = "urn:socle:graph:auth"
HARVEST_GRAPH = "urn:socle:graph:harvest"  # harvest sources, per-record state, run reports
QUALITY_GRAPH_PREFIX = "urn:socle:graph:quality:"  # + record id: its MQA score as DQV
SYSTEM_GRAPHS = (RECORDS_GRAPH, PUBLISHERS_GRAPH, AUTH_GRAPH, HARVEST_GRAPH)

__all__ = [
    "ADMS", "DCAT", "DCATAP", "DCTERMS", "FOAF", "GSP", "HYDRA", "LOCN", "OWL", "PROV", "RDF",
    "RDFS", "SCHEMA", "SKOS", "SOCLE", "SPDX", "VCARD", "XSD", "PREFIXES", "RECORD_TYPES",
    "RECORDS_GRAPH", "PUBLISHERS_GRAPH", "AUTH_GRAPH", "HARVEST_GRAPH", "SYSTEM_GRAPHS",
]
