"""Session-wide fixtures: shapes, vocabularies and the corpus are loaded once per test run."""

import json
import logging
from pathlib import Path

import pytest
from rdflib import Graph

from service.validation import Validator
from service.validation.loader import REPO_ROOT

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
OFFICIAL = (REPO_ROOT.parent / "shared" / "fixtures" / "dcat-ap-shacl" / "3.0.1" / "html-shacl")

# rdflib logs a traceback for every ill-typed literal of the defect corpus; keep output readable.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)


@pytest.fixture(scope="session")
def fast() -> Validator:
    return Validator()


@pytest.fixture(scope="session")
def reference() -> Validator:
    return Validator(engine="pyshacl")


@pytest.fixture(scope="session")
def manifest() -> dict:
    return json.loads((CORPUS / "manifest.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def corpus(manifest) -> dict[str, Graph]:
    return {name: Graph().parse(CORPUS / name, format="turtle") for name in manifest}


@pytest.fixture(scope="session")
def official_shapes() -> Graph:
    """DCAT-AP 3.0.1 shapes.ttl + range.ttl, sh:shape rewritten to sh:node (fixtures README)."""
    if not OFFICIAL.exists():
        pytest.skip(f"official shapes not found at {OFFICIAL}")
    text = (OFFICIAL / "shapes.ttl").read_text("utf-8").replace("sh:shape ", "sh:node ")
    g = Graph().parse(data=text, format="turtle")
    g.parse(OFFICIAL / "range.ttl", format="turtle")
    return g
