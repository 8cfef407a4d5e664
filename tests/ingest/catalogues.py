"""The acceptance catalogues: every file of the udata and ckanext-dcat fixture folders, as a
harvest source served on 127.0.0.1.

Multi-page sets are served as one source under their own folder: their absolute links to the
fixtures' fake host (``http://data.test.org/``) are rewritten to the local server, so that both
Socle and udata's harvester follow the same pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.conftest import FIXTURES
from tests.ingest.site import Site

UDATA = FIXTURES / "udata-dcat" / "dcat"
CKAN = FIXTURES / "ckanext-dcat" / "examples"
FAKE_HOST = "http://data.test.org/"


@dataclass(frozen=True)
class Catalogue:
    name: str
    pages: tuple[tuple[str, Path], ...]  # (path served, fixture file); the first is the start

    def serve(self, site: Site) -> str:
        folder = f"{site.base}/{self.name}/"
        for path, file in self.pages:
            site.add_file(path, file, rewrite={FAKE_HOST: folder})
        return site.url(self.pages[0][0])


def _paged(name: str, suffix: str, files: list[Path]) -> Catalogue:
    pages = tuple((f"/{name}/catalog.{suffix}?page={i}", f) for i, f in enumerate(files, 1))
    return Catalogue(name, pages)


PAGED = {
    "partial-collection": ("jsonld", ["partial-collection-1.jsonld",
                                      "partial-collection-2.jsonld"]),
    "paged-collection": ("jsonld", ["paged-collection-1.jsonld", "paged-collection-2.jsonld"]),
    "serves-dataset-by-uri": ("xml", ["serves-dataset-by-uri-1.xml",
                                      "serves-dataset-by-uri-2.xml"]),
}


def catalogues() -> list[Catalogue]:
    """udata's then ckanext-dcat's, by name (``udata/flat.jsonld``, ``ckan/dataset.ttl``)."""
    paged_files = {f for _, files in PAGED.values() for f in files}
    out = [_paged(f"udata-{name}", suffix, [UDATA / f for f in files])
           for name, (suffix, files) in PAGED.items()]
    for folder, prefix in ((UDATA, "udata"), (CKAN, "ckan")):
        for file in sorted(folder.iterdir()):
            if file.name in paged_files:
                continue
            name = f"{prefix}-{file.name.replace('.', '-')}"
            out.append(Catalogue(name, ((f"/{name}/{file.name}", file),)))
    return sorted(out, key=lambda c: c.name)
