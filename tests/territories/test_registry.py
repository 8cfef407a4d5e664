"""The shipped registry: complete against its source, lookups, types, the resolver."""

from __future__ import annotations

import json
import os
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from service.errors import SocleError
from service.territories import registry, resolve, resolve_one, spatial_labels
from service.territories.registry import normalise

CACHE = Path(os.environ.get("SOCLE_CACHE", Path.home() / ".cache" / "socle"))
SOURCE_KINDS = {"commune-actuelle": "COM", "commune-deleguee": "COMD",
                "commune-associee": "COMA", "arrondissement-municipal": "ARM"}


def _source() -> dict[str, list] | None:
    """The package's JSON files when scripts/build-territories.py left them in the cache."""
    reg = registry()
    tgz = CACHE / "decoupage-administratif" / f"etalab-decoupage-administratif-{reg.version}.tgz"
    if not tgz.is_file():
        return None
    out = {}
    with tarfile.open(tgz) as tar:
        for name in ("communes", "epci", "ept", "departements", "regions"):
            out[name] = json.load(tar.extractfile(f"package/data/{name}.json"))
    return out


def test_every_commune_and_epci_of_the_package_version():
    reg = registry()
    held = Counter(t.kind for t in reg.territories)
    source = _source()
    if source is None:  # no npm cache: the counts the build saw, written in the file header
        expected = reg.counts
    else:
        expected = Counter(SOURCE_KINDS[c["type"]] for c in source["communes"])
        expected["EPCI"] = len(source["epci"]) + len(source["ept"])
        expected["DEP"], expected["REG"] = len(source["departements"]), len(source["regions"])
        assert dict(expected) == reg.counts
        current = {c["code"]: c for c in source["communes"] if c["type"] == "commune-actuelle"}
        assert {t.code for t in reg.territories if t.kind == "COM"} == set(current)
        assert {e["code"] for e in source["epci"]} <= set(reg.by_siren)
        for c in current.values():
            if "siren" in c:
                assert reg.by_siren[c["siren"]].code == c["code"]
    assert dict(held) == dict(expected)
    assert held["COM"] > 34000 and held["EPCI"] > 1200
    assert reg.version.count(".") == 2


def test_lookup_by_siren_code_iri_and_name():
    reg = registry()
    rennes = reg.by_siren["213502388"]
    assert (rennes.kind, rennes.code, rennes.name, rennes.dep, rennes.reg) == (
        "COM", "35238", "Rennes", "35", "53")
    assert rennes.iri == "http://id.insee.fr/geo/commune/35238"
    assert reg.by_iri(rennes.iri) is rennes
    assert rennes.legal_population > 200000
    metro = reg.by_siren["243500139"]
    assert metro.kind == "EPCI" and metro.subtype == "METRO" and metro.siren in rennes.groups
    assert len(reg.communes_of(metro)) == 43
    assert [b.iri for b in reg.broader(rennes)] == [
        metro.iri, "http://id.insee.fr/geo/departement/35", "http://id.insee.fr/geo/region/53"]
    assert reg.by_name("rennes") == [rennes]
    assert reg.by_name("L'HAY LES ROSES")[0].name == "L'Haÿ-les-Roses"
    assert normalise("St-Malo") == normalise("Saint Malo") == "saint malo"


def test_unknown_siren_is_not_in_the_registry():
    reg = registry()
    assert reg.by_siren.get("999999999") is None
    assert reg.by_key("123456789") is None
    with pytest.raises(SocleError) as err:
        resolve_one("999999999")
    assert "inconnu" in err.value.detail_fr and "Unknown" in err.value.detail_en


def test_communes_nouvelles_and_deleguees_told_apart_by_type():
    """A commune nouvelle keeps the code of one of its former communes, now déléguée: the
    same INSEE code names two territories, told apart by type (and IRI)."""
    reg = registry()
    nouvelle, deleguee = reg.get("COM", "01015"), reg.get("COMD", "01015")
    assert nouvelle.name == "Arboys en Bugey" and deleguee.name == "Arbignieu"
    assert nouvelle.iri == "http://id.insee.fr/geo/commune/01015"
    assert deleguee.iri == "http://id.insee.fr/geo/communeDeleguee/01015"
    assert deleguee.siren is None and nouvelle.siren
    assert reg.broader(deleguee)[0] is nouvelle
    assert reg.commune("01015") is nouvelle  # a code alone means the current commune
    assert resolve("01015").territory is nouvelle
    assert resolve("Arbignieu").territory is deleguee  # a former commune's name still resolves
    assert {t.kind for t in reg.territories} >= {"COM", "COMD", "COMA", "ARM"}
    marseille_1 = reg.get("ARM", "13201")
    assert reg.broader(marseille_1)[0].name == "Marseille"


@pytest.mark.parametrize("text, iri", [
    ("Rennes", "http://id.insee.fr/geo/commune/35238"),
    ("rennes métropole", "http://id.insee.fr/geo/intercommunalite/243500139"),
    ("243500139", "http://id.insee.fr/geo/intercommunalite/243500139"),
    ("35238", "http://id.insee.fr/geo/commune/35238"),
    ("35", "http://id.insee.fr/geo/departement/35"),
    ("dep-2A", "http://id.insee.fr/geo/departement/2A"),
    ("Ille-et-Vilaine", "http://id.insee.fr/geo/departement/35"),
    ("reg-53", "http://id.insee.fr/geo/region/53"),
    ("BRETAGNE", "http://id.insee.fr/geo/region/53"),
    ("Saint-Denis (93)", "http://id.insee.fr/geo/commune/93066"),
    ("http://id.insee.fr/geo/commune/35188", "http://id.insee.fr/geo/commune/35188"),
])
def test_resolve(text, iri):
    assert resolve(text).territory.iri == iri


def test_resolve_homonyms_give_candidates():
    result = resolve("Saint-Denis")
    assert result.territory is None and len(result.candidates) > 2
    assert result.candidates[0].legal_population > 100000  # the largest first
    with pytest.raises(SocleError) as err:
        resolve_one("Saint-Denis")
    assert "Saint-Denis (93)" in err.value.detail_fr and "several" in err.value.detail_en
    assert resolve("").candidates == [] and resolve("Nullepartville").candidates == []


def test_spatial_labels():
    assert spatial_labels("http://id.insee.fr/geo/commune/35188") == ("Montfort-sur-Meu",)
    assert spatial_labels("http://id.insee.fr/geo/commune/00000") == ()
    assert spatial_labels("http://example.org/x") == ()


@pytest.mark.parametrize("text, kind, code", [
    ("Bretagne", "REG", "53"), ("Bretagne (90)", "COM", "90019"), ("Paris", "COM", "75056"),
    ("Guyane", "DEP", "973"), ("Mayotte", "DEP", "976")])
def test_resolve_areas_and_communes_of_the_same_name(text, kind, code):
    t = resolve(text).territory
    assert (t.kind, t.code) == (kind, code)


def test_shipped_file_is_what_the_script_builds_from_its_source():
    """Rebuilt from the cached package of the same version, the file is byte-identical."""
    import importlib.util

    tgz = CACHE / "decoupage-administratif" / (
        f"etalab-decoupage-administratif-{registry().version}.tgz")
    if not tgz.is_file():
        pytest.skip("package not in the cache: run scripts/build-territories.py --check")
    spec = importlib.util.spec_from_file_location(
        "build_territories", Path(__file__).resolve().parents[2] / "scripts"
        / "build-territories.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    files = build.read_package(tgz)
    assert build.render(build.build_rows(files), files["package.json"]["version"]) == \
        build.OUTPUT.read_bytes()
