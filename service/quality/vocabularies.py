"""What the MQA's vocabulary indicators accept: EU file types (with their non-proprietary and
machine-readable flags), IANA media types, EU licences and access rights.

The format flags come from the EU file-type table itself (vocab/mqa-formats.tsv, built by
scripts/build-mqa-formats.py); licences known by equivalence come from vocab/licences.ttl.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from service.resources import VOCAB_DIR

FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LICENCE = "http://publications.europa.eu/resource/authority/licence/"
ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
IANA = ("http://www.iana.org/assignments/media-types/",
        "https://www.iana.org/assignments/media-types/")
SKOS_EXACT = "http://www.w3.org/2004/02/skos/core#exactMatch"


@dataclass(frozen=True)
class FormatTable:
    codes: frozenset[str]
    non_proprietary: frozenset[str]
    machine_readable: frozenset[str]
    by_media_type: dict[str, str]  # "text/csv" -> "CSV"


@lru_cache(maxsize=2)
def formats(vocab_dir: str = str(VOCAB_DIR)) -> FormatTable:
    codes: set[str] = set()
    nonprop: set[str] = set()
    machine: set[str] = set()
    by_mime: dict[str, str] = {}
    for line in (Path(vocab_dir) / "mqa-formats.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith(("#", "code\t")) or not line:
            continue
        code, np_flag, mr_flag, mimes = (line.split("\t") + [""])[:4]
        codes.add(code)
        if np_flag == "1":
            nonprop.add(code)
        if mr_flag == "1":
            machine.add(code)
        for mime in filter(None, mimes.split(",")):
            by_mime.setdefault(mime.split(";")[0].strip().lower(), code)
    return FormatTable(frozenset(codes), frozenset(nonprop), frozenset(machine), by_mime)


@lru_cache(maxsize=2)
def known_licences(vocab_dir: str = str(VOCAB_DIR)) -> frozenset[str]:
    """Licence IRIs in the EU licence table or equivalent to one by skos:exactMatch in
    vocab/licences.ttl or by vocab/mqa-licences.tsv (followed both ways, transitively)."""
    import pyoxigraph as ox

    links: dict[str, set[str]] = {}
    path = Path(vocab_dir) / "licences.ttl"
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        if quad.predicate.value == SKOS_EXACT:
            a, b = quad.subject.value, quad.object.value
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
    for line in (Path(vocab_dir) / "mqa-licences.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "iri\t")):
            a, b = line.split("\t")[:2]
            links.setdefault(a, set()).add(b)
            links.setdefault(b, set()).add(a)
    known: set[str] = set()
    for start in [iri for iri in links if iri.startswith(LICENCE)]:
        todo = [start]
        while todo:
            iri = todo.pop()
            if iri not in known:
                known.add(iri)
                todo.extend(links.get(iri, ()))
    return frozenset(known)


def format_code(value: str, is_iri: bool) -> str | None:
    """The EU file-type code a dct:format names: its IRI, or a literal/IRI ending in a code
    (``CSV``, ``.../csv``) as harvested catalogues often give it."""
    table = formats()
    if is_iri and value.startswith(FILE_TYPE):
        code = value[len(FILE_TYPE):]
        return code if code in table.codes else None
    token = value.rstrip("/").rsplit("/", 1)[-1].strip().upper().lstrip(".")
    if token in table.codes:
        return token
    return table.by_media_type.get(value.strip().lower())


def media_type_name(value: str) -> str:
    """``text/csv`` from an IANA IRI or a plain literal."""
    for prefix in IANA:
        if value.startswith(prefix):
            return value[len(prefix):].lower()
    return value.strip().lower()


def format_from_vocabulary(value: str, is_iri: bool) -> bool:
    return is_iri and value.startswith(FILE_TYPE) and value[len(FILE_TYPE):] in formats().codes


def media_type_from_vocabulary(value: str, is_iri: bool) -> bool:
    return is_iri and value.startswith(IANA) and "/" in media_type_name(value)


def licence_known(value: str) -> bool:
    return value.startswith(LICENCE) or value in known_licences()


def access_right_known(value: str) -> bool:
    return value.startswith(ACCESS_RIGHT)
