#!/usr/bin/env python3
"""Rebuild vocab/territories.tsv.gz from the npm package @etalab/decoupage-administratif.

Usage:
    python scripts/build-territories.py                 # runs `npm pack` (needs npm) in a cache
    python scripts/build-territories.py path/to/pkg.tgz # or an unpacked package directory
    python scripts/build-territories.py --check         # shipped file == what its version builds

The package is cached under ~/.cache/socle/ (or $SOCLE_CACHE) so that the registry test can
count against the source JSON when it is there. Socle itself only reads the built file: an
install needs no npm.

Output: one gzipped TSV, header lines starting with '#' (source, version, licence, counts per
kind), then one line per territory with the columns of COLUMNS. Written deterministically
(sorted, gzip mtime 0) so that rebuilding the same version gives the same bytes.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT = REPO_ROOT / "vocab" / "territories.tsv.gz"
COLUMNS = ("kind", "code", "siren", "name", "subtype", "population", "population_total",
           "dep", "reg", "parent", "groups")
# communes.json "type" → the INSEE COG type codes Socle uses.
COMMUNE_KINDS = {"commune-actuelle": "COM", "commune-deleguee": "COMD",
                 "commune-associee": "COMA", "arrondissement-municipal": "ARM"}
KIND_ORDER = {"REG": 0, "DEP": 1, "EPCI": 2, "COM": 3, "ARM": 4, "COMD": 5, "COMA": 6}


def cache_dir() -> Path:
    return Path(os.environ.get("SOCLE_CACHE", Path.home() / ".cache" / "socle"))


def fetch_package(version: str | None = None) -> Path:
    """`npm pack` the package into the cache and return the .tgz path."""
    target = cache_dir() / "decoupage-administratif"
    target.mkdir(parents=True, exist_ok=True)
    spec = f"{PACKAGE}@{version}" if version else PACKAGE
    out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=target, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return target / out


def read_package(source: Path) -> dict[str, object]:
    """The package.json and data/*.json of a .tgz or an unpacked directory."""
    files: dict[str, object] = {}
    if source.is_dir():
        root = source / "package" if (source / "package").is_dir() else source
        for name in ("package.json", *(f"data/{p.name}" for p in (root / "data").glob("*.json"))):
            files[name] = json.loads((root / name).read_text(encoding="utf-8"))
        return files
    with tarfile.open(source) as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if name == "package.json" or (name.startswith("data/") and name.endswith(".json")):
                files[name] = json.load(tar.extractfile(member))  # type: ignore[arg-type]
    return files


def build_rows(files: dict[str, object]) -> list[tuple[str, ...]]:
    communes = files["data/communes.json"]
    groupings = list(files["data/epci.json"]) + list(files.get("data/ept.json", []))
    totals: dict[str, int] = {}
    groups_of: dict[str, list[str]] = {}
    rows: list[tuple[str, ...]] = []
    for reg in files["data/regions.json"]:
        rows.append(("REG", reg["code"], "", reg["nom"], reg.get("zone", ""), "", "", "",
                     reg["code"], reg.get("chefLieu", ""), ""))
    for dep in files["data/departements.json"]:
        rows.append(("DEP", dep["code"], "", dep["nom"], dep.get("zone", ""), "", "",
                     dep["code"], dep["region"], dep.get("chefLieu", ""), ""))
    for group in groupings:
        rows.append(("EPCI", group["code"], group["code"], group["nom"], group["type"],
                     str(group.get("populationMunicipale", "")),
                     str(group.get("populationTotale", "")), "", "", "", ""))
        for member in group["membres"]:
            groups_of.setdefault(member["code"], []).append(group["code"])
            if member.get("populationTotale") is not None:
                totals[member["code"]] = member["populationTotale"]
    for com in communes:
        kind = COMMUNE_KINDS[com["type"]]
        code = com["code"]
        actual = kind == "COM"
        parent = com.get("commune", "") if kind == "ARM" else com.get("chefLieu", "")
        rows.append((kind, code, com.get("siren", ""), com["nom"], com.get("zone", ""),
                     str(com.get("population", "")),
                     str(totals.get(code, "")) if actual else "",
                     com["departement"], com["region"], parent if parent != code or not actual
                     else "", ",".join(sorted(groups_of.get(code, []))) if actual else ""))
    rows.sort(key=lambda r: (KIND_ORDER[r[0]], r[1]))
    return rows


def render(rows: list[tuple[str, ...]], version: str) -> bytes:
    """The registry file's bytes (deterministic: same rows, same bytes)."""
    counts = Counter(r[0] for r in rows)
    header = [
        f"# Socle territories registry, built by scripts/build-territories.py from the npm "
        f"package {PACKAGE} {version}",
        "# Source: Etalab / DINUM (github.com/datagouv/decoupage-administratif), code MIT, data "
        "Licence Ouverte (INSEE COG, DGCL EPCI list, INSEE legal populations).",
        f"# version: {version}",
        "# counts: " + " ".join(f"{k}={counts[k]}" for k in sorted(counts, key=KIND_ORDER.get)),
        "# columns: " + "\t".join(COLUMNS),
    ]
    text = "\n".join(header + ["\t".join(r) for r in rows]) + "\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    return buffer.getvalue()


def shipped_version(path: Path = OUTPUT) -> str:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("# version:"):
                return line.split(":", 1)[1].strip()
    raise SystemExit(f"{path}: no '# version:' header")


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1] == "--check":
        # Fetch the version the shipped file names into the cache (the registry test then
        # counts against it) and check the shipped file is exactly what that version builds.
        files = read_package(fetch_package(shipped_version()))
        built = render(build_rows(files), files["package.json"]["version"])  # type: ignore
        if built != OUTPUT.read_bytes():
            print(f"{OUTPUT.relative_to(REPO_ROOT)} differs from what its source version builds:"
                  " run scripts/build-territories.py", file=sys.stderr)
            return 1
        print(f"{OUTPUT.relative_to(REPO_ROOT)}: up to date with its source version")
        return 0
    source = Path(argv[1]) if len(argv) > 1 else fetch_package()
    files = read_package(source)
    version = files["package.json"]["version"]  # type: ignore[index]
    rows = build_rows(files)
    OUTPUT.write_bytes(render(rows, version))
    counts = Counter(r[0] for r in rows)
    print(f"{OUTPUT.relative_to(REPO_ROOT)}: {PACKAGE} {version}, {dict(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
