"""Each record's output in the feed's profiles, kept in the derived store (issue 18): a feed
page in a stored profile is then the concatenation of these texts, without parsing the
records nor running the profile per request (service/feed/assemble.py).

Per record and profile:
- ``own``, ``solo`` and ``shared``: the record's triples as the profile shapes them
  (`profiles.SHAPES`), N-Triples, one per line, without the shared enrichment, as UTF-8 bytes
  (a page is sent as they are read). ``own``: the lines about the record's own nodes (its IRI
  and the nodes under ``IRI#``), which no other record may describe
  (service/catalog/ownership.py): a page sends them without looking for duplicates. ``solo``:
  lines about nodes probably described by this record alone (its distributions, say: a guess,
  `row`), with their subjects in ``solo_subjects``; ``shared``: the others (a publisher, a
  contact point several records describe), with ``shared_subjects``. A page sends the solo
  lines unread when the subjects show no other record of the page describes them, and
  de-duplicates the rest (assemble.py);
- ``turtle``: the same triples as Turtle statements under the feed's prefixes (no header);
- ``extra``: the enrichment those triples call for on their own (`enrich.enrichment`);
- ``labelled``: the IRIs the record gives a ``skos:prefLabel`` itself (the page-wide
  enrichment labels no IRI a record of the page labels: assemble.py drops those lines);
- ``links``: the objects of ``dcat:servesDataset``/``adms:sample`` the record does not
  describe (candidates for feed/references.relink_dangling, decided per page);
- ``services``: the IRIs the record types ``dcat:DataService``.

The index's schema carries a fingerprint of the profile code, of the vocabularies it reads and
of this module (`fingerprint`): when one changes, the derived store is rebuilt at the next
start (or by `socle reindex`), so a stored output never outlives the code that made it. The
base URL is in the records' own texts: `socle rebase` rewrites them and marks the whole
derived store for rebuild (service/ops/commands.py), this index with it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from service.derived.protocol import Record
from service.rdf.namespaces import PREFIXES
from service.rdf.profiles import SHAPES
from service.rdf.profiles.enrich import PREF_LABEL, enrichment
from service.resources import VOCAB_DIR

# The profiles kept: each costs ~1 ms of CPU per record written or reindexed and ~25 KB per
# record on disk (docs/benchmarks.md "Feed"); the others are built per page from the texts.
STORED: tuple[str, ...] = ("dcat-ap-3",)
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DATA_SERVICE = ox.NamedNode("http://www.w3.org/ns/dcat#DataService")
# feed/references.DESCRIBED_LINKS (a layer above: tests/derived check they are the same)
DESCRIBED_LINKS = frozenset({ox.NamedNode("http://www.w3.org/ns/dcat#servesDataset"),
                             ox.NamedNode("http://www.w3.org/ns/adms#sample"),
                             ox.NamedNode("http://purl.org/dc/terms/hasVersion"),
                             ox.NamedNode("http://purl.org/dc/terms/isVersionOf")})
LAYOUT = 4  # the tables' layout (create): part of the schema
# A record's profiled_records rows and profiled_turtle rows (ProfiledTable.prepare)
Rows = tuple[list[tuple[str | bytes, ...]], list[tuple[str | bytes, ...]]]
COLUMNS = ("id", "profile", "services", "links", "labelled", "extra", "solo_subjects",
           "shared_subjects", "shared", "solo", "own")


@cache
def fingerprint() -> str:
    """A hash of the profiles' code, of the vocabulary files their enrichment reads and of
    this module."""
    import service.rdf.profiles as profiles

    digest = hashlib.sha256()
    code = Path(profiles.__file__).parent
    for path in [*sorted(code.glob("*.py")), *sorted(Path(VOCAB_DIR).glob("*")),
                 Path(__file__)]:  # this module's shaping too
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def nt(triples: Sequence[ox.Triple], known: dict[int, str] | None = None) -> str:
    """N-Triples lines; ``known``: lines already written for some of these triple objects
    (by id: the profile passes unchanged triples through as the same objects)."""
    if not known:
        return "".join(f"{t} .\n" for t in triples)
    return "".join((known.get(id(t)) or f"{t} .") + "\n" for t in triples)


def shaped(triples: list[ox.Triple], profile: str,
           known: dict[int, str] | None = None) -> tuple[str, str, str, str, str, str]:
    """(lines, turtle, extra, labelled, links, services) of one record in one profile;
    ``known``: see `nt`."""
    out = list(SHAPES[profile](triples))
    extra = enrichment(out)
    subjects = {t.subject for t in out}
    labelled = sorted({t.subject.value for t in out
                       if t.predicate == PREF_LABEL and isinstance(t.subject, ox.NamedNode)})
    links = sorted({t.object.value for t in out if t.predicate in DESCRIBED_LINKS
                    and isinstance(t.object, ox.NamedNode) and t.object not in subjects})
    services = sorted({t.subject.value for t in out if t.predicate == _TYPE
                       and t.object == _DATA_SERVICE and isinstance(t.subject, ox.NamedNode)})
    return (nt(out, known), turtle_block(out), nt(extra), "\n".join(labelled), "\n".join(links),
            "\n".join(services))


def turtle_block(triples: Sequence[ox.Triple]) -> str:
    """Turtle statements of these triples under the feed's prefixes, without the @prefix
    lines: blocks of several records concatenated after one header are one document."""
    text = (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
            or b"").decode("utf-8")
    header = _header()
    if text.startswith(header):
        return text[len(header):]
    return "".join(line + "\n" for line in text.split("\n")
                   if line and not line.startswith("@prefix "))


@cache
def _header() -> str:
    """The @prefix lines the serialiser writes before any statement."""
    node = ox.NamedNode("urn:x")
    text = (ox.serialize([ox.Triple(node, node, node)], format=ox.RdfFormat.TURTLE,
                         prefixes=PREFIXES) or b"").decode("utf-8")
    return text[:text.index("<urn:x>")]


def row(iri: str, lines: str, extra: str, labelled: str, links: str, services: str,
        record_id: str = "") -> tuple[str, str, str, bytes, str, str, bytes, bytes, bytes]:
    """A profiled_records row after (id, profile): (services, links, labelled, extra,
    solo_subjects, shared_subjects, shared, solo, own), the texts a page sends as bytes.

    A line is the record's own when its subject is ``iri`` or a node under ``iri#``; own lines
    are stored once each. The other lines are split by a guess that only speeds pages up:
    ``solo`` holds those about nodes probably described by this record alone (its
    distributions, IRIs under ``iri/`` or naming its id, its skolemised nodes), ``shared`` the
    rest (a publisher, vocabulary nodes). A page checks the guess with the subjects kept
    here (assemble.py: no solo subject on two records nor among the shared ones) and
    de-duplicates only the shared lines when it holds, every non-own line otherwise."""
    heads = (f"<{iri}> ", f"<{iri}#")
    own: dict[str, None] = {}
    others: list[tuple[str, str]] = []  # (subject IRI, line)
    parts: list[str] = []
    for line in lines.split("\n"):  # not splitlines: literals may hold U+2028 and the like
        if not line:
            continue
        if line.startswith(heads):
            own[line + "\n"] = None
            if _DISTRIBUTION_LINK in line:
                parts.append(line.split(" ", 2)[2])
        else:
            others.append((_subject_of(line), line + "\n"))
    solo_guess = _solo_guess(iri, record_id, {p[1:-3] for p in parts if p.startswith("<")})
    solo_lines: list[str] = []
    shared_lines: list[str] = []
    solo_subjects: dict[str, None] = {}
    shared_subjects: dict[str, None] = {}
    for subject, line in others:
        if solo_guess(subject):
            solo_lines.append(line)
            solo_subjects[subject] = None
        else:
            shared_lines.append(line)
            shared_subjects[subject] = None
    return (services, links, labelled, extra.encode("utf-8"), "\n".join(solo_subjects),
            "\n".join(shared_subjects), "".join(shared_lines).encode("utf-8"),
            "".join(solo_lines).encode("utf-8"), "".join(own).encode("utf-8"))


_DISTRIBUTION_LINK = " <http://www.w3.org/ns/dcat#distribution> "
SOLO_ID_MIN = 8  # shorter local ids are not looked for inside IRIs (too many false hits)


def _subject_of(line: str) -> str:
    """The subject of an N-Triples line: an IRI without its brackets, or a blank node label
    as written (``_:b``)."""
    end = line.find(" ")
    subject = line[:end] if end > 0 else line
    return subject[1:-1] if subject.startswith("<") else subject


def _solo_guess(iri: str, record_id: str, distributions: set[str]) -> Callable[[str], bool]:
    named = f"/{record_id}" if len(record_id) >= SOLO_ID_MIN else None
    under = f"{iri}/"

    def guess(subject: str) -> bool:
        return (subject in distributions or subject.startswith(under)
                or (named is not None and named in subject))
    return guess


class ProfiledTable:
    """`DerivedIndex` "profiled" (service/derived/protocol.py)."""

    name = "profiled"

    def __init__(self, profiles: Sequence[str] | None = None) -> None:
        self.profiles = tuple(STORED if profiles is None else profiles)
        key = f"{LAYOUT}-{fingerprint()}-{','.join(self.profiles)}"
        self.schema = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16)

    def create(self, db: sqlite3.Connection) -> None:
        # Small columns first, and the Turtle blocks in their own table: SQLite reads a row's
        # overflow pages up to the column asked for (a page reads one syntax's text).
        columns = [r[1] for r in db.execute("PRAGMA table_info(profiled_records)")]
        if columns and columns != list(COLUMNS):  # an older layout (LAYOUT): made anew
            db.execute("DROP TABLE IF EXISTS profiled_records")
            db.execute("DROP TABLE IF EXISTS profiled_turtle")
        db.execute("""CREATE TABLE IF NOT EXISTS profiled_records (
            id TEXT NOT NULL, profile TEXT NOT NULL, services TEXT NOT NULL,
            links TEXT NOT NULL, labelled TEXT NOT NULL, extra BLOB NOT NULL,
            solo_subjects TEXT NOT NULL, shared_subjects TEXT NOT NULL,
            shared BLOB NOT NULL, solo BLOB NOT NULL, own BLOB NOT NULL)""")
        db.execute("CREATE UNIQUE INDEX IF NOT EXISTS profiled_records_key "
                   "ON profiled_records (profile, id)")
        db.execute("CREATE TABLE IF NOT EXISTS profiled_turtle "
                   "(id TEXT NOT NULL, profile TEXT NOT NULL, turtle BLOB NOT NULL)")
        db.execute("CREATE UNIQUE INDEX IF NOT EXISTS profiled_turtle_key "
                   "ON profiled_turtle (profile, id)")

    def clear(self, db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM profiled_records")
        db.execute("DELETE FROM profiled_turtle")

    def prepare(self, records: Sequence[Record]) -> list[Rows]:
        """Each record's rows, from its id, IRI and graph alone: made where its terms are
        (a rebuild's readers, an import's workers: protocol.py)."""
        out: list[Rows] = []
        for r in records:
            triples = r.terms()
            # the record's text has one line per triple, in order (protocol.Record)
            lines = r.text.split("\n") if r.text else []
            known = (dict(zip(map(id, triples), lines, strict=True))
                     if len(lines) == len(triples) else None)
            rows: list[tuple[str | bytes, ...]] = []
            blocks: list[tuple[str | bytes, ...]] = []
            for p in self.profiles:
                lines_, turtle, extra, labelled, links, services = shaped(triples, p, known)
                rows.append((r.id, p, *row(r.iri, lines_, extra, labelled, links, services,
                                                r.id)))
                blocks.append((r.id, p, turtle.encode("utf-8")))
            out.append((rows, blocks))
        return out

    def write(self, db: sqlite3.Connection, records: Sequence[Record]) -> None:
        self.write_prepared(db, records, self.prepare(records))

    def write_prepared(self, db: sqlite3.Connection, records: Sequence[Record],
                       prepared: Sequence[Rows]) -> None:
        # Every stored profile of a record is rewritten: a replace is enough.
        db.executemany("INSERT OR REPLACE INTO profiled_records "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [r for rows, _ in prepared for r in rows])
        db.executemany("INSERT OR REPLACE INTO profiled_turtle VALUES (?, ?, ?)",
                       [b for _, blocks in prepared for b in blocks])

    def delete(self, db: sqlite3.Connection, record_ids: Sequence[str]) -> None:
        keys = [(p, i) for i in record_ids for p in self.profiles]
        db.executemany("DELETE FROM profiled_records WHERE profile = ? AND id = ?", keys)
        db.executemany("DELETE FROM profiled_turtle WHERE profile = ? AND id = ?", keys)
