"""A new user's path: the 10 largest communes of one EPCI added by SIREN alone, catalogues
imported for some, and the dashboard says which likely obliged communes still publish nothing.
Everything through the real CLI, then the HTTP dashboard over the same data directory."""

from __future__ import annotations

import re

from service.app import create_app
from service.config import Settings
from service.territories import registry
from tests.cli.conftest import socle
from tests.territories.conftest import dataset

EPCI = "243500139"  # Rennes Métropole, 43 communes


def test_ten_largest_communes_then_dashboard(tmp_path):
    data = tmp_path / "data"
    reg = registry()
    members = reg.communes_of(reg.by_siren[EPCI])
    largest = sorted(members, key=lambda c: -(c.legal_population or 0))[:10]
    ids = {}
    for commune in largest:
        done = socle("publisher", "add", "--siren", commune.siren, data=data)
        assert done.returncode == 0, done.stderr
        ids[commune.code] = re.search(r"created: (\S+) <", done.stdout).group(1)
    assert ids[largest[0].code] == "rennes"
    publishing = largest[:3]
    for i, commune in enumerate(publishing):
        path = tmp_path / f"catalogue-{commune.code}.ttl"
        path.write_text(dataset(f"jeu-{commune.code}", commune.code,
                                ("deliberations", "budget", "subventions")[i]), encoding="utf-8")
        done = socle("import", str(path), "--publisher", ids[commune.code], data=data)
        assert done.returncode == 0, done.stderr
    app = create_app(Settings(data=str(data)))  # the base URL the CLI stored
    try:
        client = app.test_client()
        body = client.get(f"/territories/{EPCI}.json").get_json()
        page = client.get(f"/territories/{EPCI}", headers={"Accept": "text/html"})
    finally:
        app.extensions["socle"].store.close()
    rows = {r["code"]: r for r in body["communes"]}
    assert len(rows) == len(members) == 43
    obliged = {c.code for c in members if c.legal_population > 3500}
    silent = {code for code, r in rows.items() if r["likely_obliged"] and r["datasets"] == 0}
    assert silent == obliged - {c.code for c in publishing}
    # the other seven added publishers are there, with nothing published yet
    for commune in largest[3:]:
        assert rows[commune.code]["publishers"] == [ids[commune.code]]
        assert rows[commune.code]["datasets"] == 0
    assert body["summary"]["obliged_silent"] == len(silent)
    assert body["summary"]["scdl_coverage"]["scdl/subventions"] == 1
    text = page.get_data(as_text=True)
    assert f"<strong>{len(silent)}</strong>" in text
    assert text.count('<tr class="warn">') == len(silent)
