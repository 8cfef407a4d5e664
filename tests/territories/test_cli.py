"""The territories commands through the real `socle` command line."""

from __future__ import annotations

import json

from tests.cli.conftest import socle
from tests.territories.conftest import EPCI, MONTFORT


def test_publisher_add_by_siren_alone(tmp_path):
    data = tmp_path / "data"
    done = socle("publisher", "add", "--siren", "213502388", data=data)
    assert done.returncode == 0, done.stderr
    assert "rennes <http://localhost:8000/publishers/213502388>" in done.stdout
    assert "Rennes (35)" in done.stderr and "population" in done.stderr
    listed = socle("publisher", "list", data=data, check=True).stdout
    assert "rennes\tCommune de Rennes\t213502388" in listed
    # the id stays the curator's choice, and the same SIREN is not added twice
    again = socle("publisher", "add", "ville-de-rennes", "--siren", "213502388", data=data)
    assert again.returncode != 0 and "déjà" in again.stderr
    iffendic = socle("publisher", "add", "iff", "--siren", "213501331", "--name", "Iffendic",
                     data=data, check=True)
    assert "iff <http://localhost:8000/publishers/213501331>" in iffendic.stdout


def test_unknown_siren_refused(tmp_path):
    data = tmp_path / "data"
    done = socle("publisher", "add", "--siren", "999999999", data=data)
    assert done.returncode != 0
    fr, en = done.stderr.strip().splitlines()[:2]
    assert fr.startswith("Erreur : SIREN inconnu « 999999999 »")
    assert en.startswith("Error: Unknown SIREN '999999999'")
    bad = socle("publisher", "add", "--siren", "12", data=data)
    assert bad.returncode != 0 and "9 chiffres" in bad.stderr
    assert socle("publisher", "list", data=data, check=True).stdout == ""


def test_legacy_add_with_name_still_works(tmp_path):
    data = tmp_path / "data"
    done = socle("publisher", "add", "syndicat", "--name", "Syndicat mixte", "--siren",
                 "200000001", data=data)
    assert done.returncode == 0 and "absent du registre" in done.stderr
    assert "syndicat <http://localhost:8000/publishers/syndicat>" in done.stdout
    plain = socle("publisher", "add", "asso", "--name", "Association", data=data, check=True)
    assert "asso" in plain.stdout
    assert socle("publisher", "add", "--name", "Sans id", data=data).returncode != 0


def test_territory_show_exempt_and_delegate(tmp_path):
    data = tmp_path / "data"
    shown = json.loads(socle("territory", "show", "Montfort-sur-Meu", "--json",
                             check=True).stdout)
    assert shown["iri"] == "http://id.insee.fr/geo/commune/35188" and shown["siren"] == MONTFORT
    many = socle("territory", "show", "Saint-Denis")
    assert many.returncode != 0 and "plusieurs" in many.stderr and "several" in many.stderr
    for siren in (EPCI, MONTFORT, "213502388"):
        socle("publisher", "add", "--siren", siren, data=data, check=True)
    refused = socle("publisher", "delegate", "cc-montfort-communaute", "--to", "rennes",
                    data=data)
    assert refused.returncode != 0 and "n'est pas membre" in refused.stderr
    ok = socle("publisher", "delegate", "cc-montfort-communaute", "--to", "montfort-sur-meu",
               data=data)
    assert ok.returncode == 0, ok.stderr
    assert socle("territory", "exempt", MONTFORT, "--reason", "moins de 50 agents",
                 data=data).returncode == 0
    assert socle("territory", "exempt", "999999999", "--reason", "x",
                 data=data).returncode != 0
