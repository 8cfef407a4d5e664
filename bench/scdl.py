"""SCDL catalogue CSV benchmark: import and export of a generated catalogue.

    python -m bench.scdl [--n 2000] [--out bench/results/scdl.json]

One run, one process, two fresh embedded stores:
1. a generated SCDL catalogue of n rows (real commune names, the schema's enumerations,
   1–3 formats each), imported with `import_csv` (decode, Table Schema checks, mapping,
   territory lookup, SHACL, bulk write);
2. baseline, same run: the same datasets as one Turtle document (the graphs the mapping
   makes), imported with the RDF importer (`import_graph`, the `socle import file.ttl` path);
3. the export `catalogue_csv` of the imported catalogue, and a re-import of that export (all
   rows unchanged: the round trip's cost).
Rates are datasets per second (wall and CPU); the ratio CSV/RDF says what the CSV path adds.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.machine import machine as machine_of

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "scdl.json"
BASE = "https://data.example.fr"
PLACES = ["Rennes", "Montfort-sur-Meu", "Iffendic", "Bréteil", "Talensac", "Pleumeleuc",
          "Cesson-Sévigné", "Bruz", "Saint-Grégoire", "Pacé"]
THEMES = ["Administration locale", "Finances", "Culture", "Environnement", "Transports",
          "Urbanisme", "Social", "Pêche de loisir"]
FREQS = ["Annuelle", "Mensuelle ou plusieurs fois par mois", "Irrégulière", "Ponctuelle"]
FORMATS = ["csv", "json", "xls", "geojson", "shp", "pdf"]


def rows(n: int, seed: int = 7) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        formats = rnd.sample(FORMATS, rnd.randint(1, 3))
        out.append({
            "COLL_NOM": "Rennes Métropole", "COLL_SIRET": "24350013900189",
            "ID": f"jeu-{i:06d}", "TITRE": f"Jeu de données n°{i}",
            "DESCRIPTION": f"Description du jeu de données n°{i}, produit par la commune.",
            "THEME": rnd.choice(THEMES), "PRODUCTEUR_NOM": "Rennes Métropole",
            "PRODUCTEUR_SIRET": "24350013900189", "COUV_SPAT_MAILLE": "Communale",
            "COUV_SPAT_NOM": rnd.choice(PLACES), "COUV_TEMP_DEBUT": "2024-01-01",
            "COUV_TEMP_FIN": "2024-12-31", "DATE_PUBL": "2024-02-01",
            "FREQ_MAJ": rnd.choice(FREQS), "DATE_MAJ": "2024-06-01",
            "MOTS_CLES": f"mot{i % 40};donnees", "LICENCE": "Licence Ouverte-LO",
            "NOMBRE_RESSOURCES": str(len(formats)), "FORMAT_RESSOURCES": ";".join(formats),
            "URL": f"https://data.example.fr/jeux/{i}",
        })
    return out


def to_csv(table: list[dict[str, str]]) -> bytes:
    from service.ingest.scdl.export import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue().encode("utf-8")


def to_turtle(table: list[dict[str, str]]) -> bytes:
    from rdflib import Graph

    from service.ingest.scdl.mapping import row_to_dataset

    doc = Graph()
    for row in table:
        for triple in row_to_dataset(row).graph:
            doc.add(triple)
    return doc.serialize(format="turtle").encode("utf-8")


def _services(tmp: str, name: str):
    from service.app import build_services
    from service.catalog.publishers import add_publisher
    from service.config import Settings

    svc = build_services(Settings(data=f"{tmp}/{name}", base_url=BASE))
    add_publisher(svc.store, BASE, "rennes-metropole", "Rennes Métropole", "243500139")
    return svc


def _timed(func) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def _rates(n: int, wall: float, cpu: float) -> dict[str, float]:
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "per_wall_s": round(n / wall, 1), "per_cpu_s": round(n / cpu, 1)}


def run(n: int) -> dict[str, Any]:
    from service.ingest.rdf_import import import_graph
    from service.ingest.scdl import catalogue_csv, import_csv
    from service.rdf.formats import syntax_for_media_type
    from service.rdf.parse import parse_rdf
    from service.territories.registry import registry

    registry().by_name("Rennes")  # the registry's first load is not the import's cost
    table = rows(n)
    data, turtle = to_csv(table), to_turtle(table)
    out: dict[str, Any] = {"n": n, "csv_bytes": len(data), "turtle_bytes": len(turtle)}
    with tempfile.TemporaryDirectory(prefix="socle-bench-scdl-") as tmp:
        svc = _services(tmp, "csv")
        report, wall, cpu = _timed(lambda: import_csv(svc.records, "rennes-metropole", data))
        assert report["summary"]["created"] == n, report["summary"]
        out["csv_import"] = _rates(n, wall, cpu)
        exported, wall, cpu = _timed(lambda: catalogue_csv(svc.records, "rennes-metropole"))
        out["export"] = _rates(n, wall, cpu)
        again, wall, cpu = _timed(lambda: import_csv(svc.records, "rennes-metropole",
                                                     exported.encode("utf-8")))
        assert again["summary"]["unchanged"] == n, again["summary"]
        out["csv_reimport_unchanged"] = _rates(n, wall, cpu)
        svc.store.close()

        base = _services(tmp, "rdf")
        turtle_syntax = syntax_for_media_type("text/turtle")
        result, wall, cpu = _timed(lambda: import_graph(
            base.records, "rennes-metropole", parse_rdf(turtle, turtle_syntax)))
        assert result.summary()["created"] == n, result.summary()
        out["baseline_rdf_import"] = _rates(n, wall, cpu)
        base.store.close()
    out["ratios"] = {
        "csv_over_rdf_import_per_cpu_s": round(
            out["csv_import"]["per_cpu_s"] / out["baseline_rdf_import"]["per_cpu_s"], 2),
        "export_over_csv_import_per_cpu_s": round(
            out["export"]["per_cpu_s"] / out["csv_import"]["per_cpu_s"], 1),
    }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args(argv)
    result = {"machine": machine_of(("rdflib", "pyoxigraph", "pyshacl")), **run(args.n)}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    for key in ("csv_import", "baseline_rdf_import", "export", "csv_reimport_unchanged"):
        r = result[key]
        print(f"{key:24} {r['per_wall_s']:8.1f}/s wall {r['per_cpu_s']:8.1f}/CPU-s "
              f"({r['wall_s']} s)")
    print(f"ratios: {json.dumps(result['ratios'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
