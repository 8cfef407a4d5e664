"""scripts/udata_compare.py: data.gouv.fr's real harvester (udata) on fixture catalogues and
on Socle's datagouv feed of them (docs/harvest.md, "udata on Socle's feed")."""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

from tests.interop.conftest import REPO

pytestmark = pytest.mark.interop
# Catalogues whose every dataset Socle publishes, and whose fields udata keeps on both sides.
# ckan-dataset_health-ttl: published since its generic qualified relation is repaired;
# ckan-dataset_multilingual-ttl: its contact points' names in 3 languages (issue 17).
CLEAN = ["udata-udata-xml", "udata-flat-jsonld", "udata-datara--5a26b0f6-0ccf-46ad-ac58-"
         "734054b91977-rdf-xml", "ckan-dataset_gov_de-rdf", "udata-serves-dataset-by-uri",
         "ckan-dataset_health-ttl", "ckan-dataset_multilingual-ttl"]


def _script():
    spec = importlib.util.spec_from_file_location("udata_compare",
                                                  REPO / "scripts" / "udata_compare.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["udata_compare"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _compare():
    """The comparison script, once the udata venv is there (scripts/interop-setup.sh)."""
    compare = _script()
    if not compare.udata_python().exists():
        if os.environ.get("SOCLE_SKIP_INTEROP") == "1" and os.environ.get("CI") != "true":
            pytest.skip("udata venv missing")
        pytest.fail(f"udata venv missing: {compare.udata_python()}", pytrace=False)
    return compare


def test_udata_loses_no_field_on_socle_feed():
    compare = _compare()
    reports = compare.compare_all(CLEAN)
    assert [r["catalogue"] for r in reports] == sorted(CLEAN)
    for r in reports:
        assert r["udata_socle"] >= r["udata_source"], r
        assert r["missing"] == [] and r["lost"] == [], r
        # changes (publisher = the harvesting publisher, a licence or size udata reads
        # better from the repaired record) are listed by the script, docs/harvest.md
        assert all(c["source"] for c in r["changed"]), r


# Catalogues with records Socle keeps in quarantine (no dct:description, DCAT-AP 1..n; the
# GeoNetwork dataset, whose document parses once repaired, also distributions described
# nowhere: docs/harvest.md): udata takes them, Socle does not publish them, and loses nothing
# of the others. Issue 17: udata lost the inspire tag (udata-bnodes-xml: an INSPIRE theme under
# the source's own IRI) and the hvd tag and HVD category (udata-catalog-xml), which the
# datagouv profile now serves as dcat:theme.
WITH_QUARANTINE = ["udata-bnodes-xml", "udata-catalog-xml", "udata-geonetwork-xml"]


def test_udata_loses_no_field_of_what_socle_publishes():
    compare = _compare()
    reports = compare.compare_all(WITH_QUARANTINE)
    assert [r["catalogue"] for r in reports] == WITH_QUARANTINE
    for r in reports:
        assert r["lost"] == [], r
        assert [m["socle"] for m in r["missing"]] == ["quarantined"], r
