"""SCDL catalogue CSV benchmark: import of N generated rows vs the RDF import of the same datasets.

    python -m bench.scdl [--n 2000] [--out bench/results/scdl.json]

In one process, each import into its own fresh Oxigraph store on disk, with full validation:
- the CSV import (`import_csv`: decode, Table Schema checks, mapping, bulk write);
- baseline, same run: the RDF import (`import_graph`, what `POST /publishers/{id}/import` does
  for Turtle) of the very same datasets — the graphs the mapping gives, in one Turtle document;
- then the CSV export of the CSV-imported publisher (`export_csv`).

The ratio CSV / RDF says what reading and checking a spreadsheet costs on top of writing the
records. Rows are generated: N distinct IDs and titles, places from a fixed list of communes
and EPCIs, 1-3 formats, every FREQ_MAJ and LICENCE value.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.machine import machine as machine_of

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "bench" / "results" / "scdl.json"
BASE = "http://socle.bench"
PLACES = [("Communale", "Rennes"), ("Communale", "Montfort-sur-Meu"),
          ("Communale", "Saint-Malo"), ("Intercommunale", "Rennes Métropole"),
          ("Départementale", "Ille-et-Vilaine"), ("Régionale", "Bretagne")]
FREQS = ["Annuelle", "Mensuelle ou plusieurs fois par mois", "Semestrielle", "Ponctuelle",
         "Quotidienne ou plusieurs fois par jour", "Irrégulière", "Inconnue"]
LICENCES = ["Licence Ouverte-LO", "Open Database License-ODBL", "Spécifique ou autre"]
THEMES = ["Administration locale", "Finances", "Environnement", "Transports", "Patrimoine"]
FORMATS = ["csv", "csv;json", "csv;xls;geojson", "pdf", "shp;geojson"]


def make_rows(n: int) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        maille, place = PLACES[i % len(PLACES)]
        formats = FORMATS[i % len(FORMATS)]
        rows.append({
            "COLL_NOM": "Rennes Métropole", "COLL_SIRET": "24350013900189",
            "ID": f"jeu-{i:06d}", "TITRE": f"Jeu de données n° {i} de {place}",
            "DESCRIPTION": f"Description du jeu n° {i}, publié par la collectivité.",
            "THEME": THEMES[i % len(THEMES)], "PRODUCTEUR_NOM": "Ville de Rennes",
            "PRODUCTEUR_SIRET": "21350238800019", "COUV_SPAT_MAILLE": maille,
            "COUV_SPAT_NOM": place, "COUV_TEMP_DEBUT": "2020-01-01",
            "COUV_TEMP_FIN": "2024-12-31", "DATE_PUBL": "2021-03-01",
            "FREQ_MAJ": FREQS[i % len(FREQS)], "DATE_MAJ": f"2024-{1 + i % 12:02d}-15",
            "MOTS_CLES": f"mot{i % 50};donnees;local", "LICENCE": LICENCES[i % len(LICENCES)],
            "NOMBRE_RESSOURCES": str(len(formats.split(";"))), "FORMAT_RESSOURCES": formats,
            "URL": f"https://data.example-collectivites.fr/datasets/jeu-{i:06d}"})
    return rows


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    import csv
    import io

    from service.ingest.scdl.mapping import COLUMN_ORDER

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMN_ORDER), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def turtle_bytes(rows: list[dict[str, str]]) -> bytes:
    """The same datasets as one Turtle document (the mapping's graphs, blank roots)."""
    from rdflib import Graph

    from service.catalog.publishers import publisher_iri
    from service.ingest.scdl.mapping import row_to_graph

    whole = Graph()
    for row in rows:
        for triple in row_to_graph(row, publisher_iri(BASE, "bench")):
            whole.add(triple)
    return whole.serialize(format="turtle").encode("utf-8")


def _services(tmp: str, name: str):
    from service.app import build_services
    from service.catalog.publishers import add_publisher
    from service.config import Settings

    svc = build_services(Settings(data=str(Path(tmp) / name), base_url=BASE))
    add_publisher(svc.store, BASE, "bench", "Rennes Métropole", "243500139")
    return svc


def run(n: int) -> dict[str, Any]:
    from service.ingest.rdf_import import import_graph
    from service.ingest.scdl import import_csv
    from service.ingest.scdl.export import export_csv
    from service.rdf.formats import TURTLE
    from service.rdf.parse import parse_rdf

    rows = make_rows(n)
    data, ttl = csv_bytes(rows), turtle_bytes(rows)
    result: dict[str, Any] = {"n": n, "csv_bytes": len(data), "turtle_bytes": len(ttl)}
    with tempfile.TemporaryDirectory() as tmp:
        warm = _services(tmp, "warm")  # shapes compiled, registry loaded: not timed
        import_csv(warm.records, "bench", csv_bytes(make_rows(3)))
        warm.store.close()

        svc = _services(tmp, "csv")
        start = time.perf_counter()
        report = import_csv(svc.records, "bench", data)
        result["csv_import_s"] = time.perf_counter() - start
        result["csv_summary"] = report["summary"]
        start = time.perf_counter()
        exported = export_csv(svc.records, "bench")
        result["csv_export_s"] = time.perf_counter() - start
        result["export_rows"] = exported.count(b"\r\n") - 1
        svc.store.close()

        svc = _services(tmp, "rdf")
        start = time.perf_counter()
        graph = parse_rdf(ttl, TURTLE, base_iri=f"{BASE}/datasets/")
        rdf_report = import_graph(svc.records, "bench", graph).to_dict()
        result["rdf_import_s"] = time.perf_counter() - start
        result["rdf_summary"] = rdf_report["summary"]
        svc.store.close()
    result["csv_rows_per_s"] = n / result["csv_import_s"]
    result["rdf_datasets_per_s"] = n / result["rdf_import_s"]
    result["ratios"] = {"csv_import_over_rdf_import": result["csv_import_s"]
                        / result["rdf_import_s"]}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    result = {"machine": machine_of(["pyoxigraph", "rdflib", "pyshacl"]), **run(args.n)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"SCDL CSV import of {args.n} rows: {result['csv_import_s']:.2f} s "
          f"({result['csv_rows_per_s']:.0f} rows/s); RDF import of the same datasets "
          f"{result['rdf_import_s']:.2f} s ({result['rdf_datasets_per_s']:.0f}/s); "
          f"ratio CSV/RDF {result['ratios']['csv_import_over_rdf_import']:.2f}; "
          f"export {result['csv_export_s']:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
