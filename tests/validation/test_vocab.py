"""The complete EU tables of vocab/ (scripts/build-vocab.py): values that the old subsets
refused (PARQUET, AS_NEEDED, 12HRS, Dublin Core cld/freq) pass the range checks of both
engines, and the shipped files are what their sources build."""

import subprocess
import sys

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from service.validation.loader import REPO_ROOT

from .conftest import CORPUS

EU = "http://publications.europa.eu/resource/authority/"


def _with(prop: URIRef, value: str) -> Graph:
    g = Graph().parse(CORPUS / "valid-full.ttl", format="turtle")
    (subject, old), *_ = list(g.subject_objects(prop))
    g.remove((subject, prop, old))
    g.add((subject, prop, URIRef(value)))
    return g


@pytest.mark.parametrize("prop,value", [
    (DCTERMS.accrualPeriodicity, f"{EU}frequency/AS_NEEDED"),
    (DCTERMS.accrualPeriodicity, f"{EU}frequency/NOT_PLANNED"),
    (DCTERMS.accrualPeriodicity, f"{EU}frequency/12HRS"),
    (DCTERMS.accrualPeriodicity, "http://purl.org/cld/freq/monthly"),
    (DCTERMS.format, f"{EU}file-type/PARQUET"),
    (DCTERMS.format, f"{EU}file-type/NETCDF"),
    (DCTERMS.format, f"{EU}file-type/SHP"),
])
def test_complete_tables_pass_the_range_checks(fast, reference, prop, value):
    g = _with(prop, value)
    assert fast.validate(g).conforms
    assert reference.validate(g).conforms


def test_an_unknown_code_is_still_refused(fast):
    assert not fast.validate(_with(DCTERMS.format, f"{EU}file-type/NOT_A_TYPE")).conforms


def test_shipped_tables_equal_what_their_sources_build():
    run = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build-vocab.py"),
                          "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
