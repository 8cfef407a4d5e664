"""A generated catalogue of a few hundred datasets for the interop tests.

Copies of the demo datasets (``service/demo/*.ttl``: checksums, bounding boxes, periods, ODbL,
several distributions…) with, per copy:

- new identifiers and dataset IRIs, and portal URLs on a real top-level domain (``.fr``):
  data.gouv.fr refuses the reserved ``.example`` domain of the demo ("Domaine invalide");
- the variants the ``datagouv`` profile must cope with, cycled over the copies: the same
  licence under its other IRIs (SPDX, EU NAL, Creative Commons), ``http://`` IANA media types,
  no media type at all, WKT with the CRS84 IRI prefix, a sha1 checksum.
"""

from __future__ import annotations

import re
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "service" / "demo"
ETALAB = "<https://www.etalab.gouv.fr/licence-ouverte-open-licence/>"
ODBL = "<https://opendatacommons.org/licenses/odbl/1-0/>"

# Copy number modulo 5 → the licence IRIs served instead of the Etalab / ODbL ones.
LICENCE_VARIANTS = (
    (ETALAB, ODBL),
    ("<http://spdx.org/licenses/etalab-2.0>", "<http://spdx.org/licenses/ODbL-1.0>"),
    ("<https://creativecommons.org/licenses/by/4.0/>",
     "<http://publications.europa.eu/resource/authority/licence/ODBL>"),
    ("<https://spdx.org/licenses/etalab-2.0.html>", "<https://spdx.org/licenses/ODbL-1.0.html>"),
    ("<https://creativecommons.org/publicdomain/zero/1.0/>",
     "<http://opendatacommons.org/licenses/odbl/summary/>"),
)

_DOMAIN = re.compile(r"([a-z0-9-]+(?:\.[a-z0-9-]+)*)\.example\b")
_IDENTIFIER = re.compile(r'dct:identifier "([^"]+)"')
_MEDIA = re.compile(r"\s*dcat:mediaType <[^>]+> ;")
_SHA256 = re.compile(r"spdx:checksumAlgorithm_sha256 ;(\s*spdx:checksumValue )"
                     r'"([0-9a-f]{40})[0-9a-f]{24}"')
_WKT = re.compile(r'"(POLYGON\(\([^"]+)"\^\^geosparql:wktLiteral')


def demo_turtle() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(DEMO.glob("*.ttl"))]


def copy(turtle: str, k: int) -> str:
    """Copy number ``k`` (1…) of one demo file."""
    text = _DOMAIN.sub(lambda m: f"c{k}.{m.group(1)}.fr", turtle)
    text = _IDENTIFIER.sub(lambda m: f'dct:identifier "{m.group(1)}-c{k}"', text)
    etalab, odbl = LICENCE_VARIANTS[k % len(LICENCE_VARIANTS)]
    text = text.replace(ETALAB, etalab).replace(ODBL, odbl)
    if k % 4 == 1:
        text = text.replace("<https://www.iana.org/assignments/media-types/",
                            "<http://www.iana.org/assignments/media-types/")
    elif k % 4 == 2:
        text = _MEDIA.sub("", text)
    if k % 3 == 1:
        text = _WKT.sub(r'"<http://www.opengis.net/def/crs/OGC/1.3/CRS84> \1"'
                        r"^^geosparql:wktLiteral", text)
    if k % 2 == 0:
        text = _SHA256.sub(r'spdx:checksumAlgorithm_sha1 ;\1"\2"', text)
    return text


def generate(copies: int) -> str:
    """One Turtle document with ``copies`` × 31 datasets."""
    files = demo_turtle()
    return "\n".join(copy(f, k) for k in range(1, copies + 1) for f in files)
