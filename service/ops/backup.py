"""Whole-instance backups: one archive with the store and every file beside it.

`socle export` is the store's content only; an instance also lives in the files of its data
directory: token digests, curator accounts, the session signing key, the stored base URL. A
backup archive (`.tar.gz`) holds:

- `store.nq`: every quad (records, publishers, harvest sources and state), dumped from one
  read snapshot of the store, so it is consistent while the server writes;
- `files/<name>`: the data directory's files (`FILES`), each read under its lock;
- `files/socle-private.json`: the drafts and quarantined records (``PRIVATE``: a JSON dump of
  their SQLite area, restored into it, not copied as a file);
- `manifest.json`: format, creation time, base URL, quad count, the SHA-256 of every member,
  and `derived: "rebuild"` — the in-memory read models (feed order, search) are rebuilt from
  the store at the next start, nothing derived is carried over.

Restore checks everything before touching anything: the archive opens, every member's SHA-256
matches the manifest, the dump parses as N-Quads. Only then are the files written (atomically,
mode 600) and the store's content replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from service.auth.jsonfile import locked, write_private
from service.catalog.private import PrivateArea, private_area
from service.errors import SocleError
from service.ops.identity import IDENTITY_FILE, adopt_restored, stored_base
from service.store import Store, files_dir

FORMAT = "socle-backup/1"
FILES = ("socle-tokens.json", "socle-curators.json", "socle-secret.key", IDENTITY_FILE)
# Drafts and quarantined records (service/catalog/private.py), as a JSON dump of the SQLite area.
PRIVATE = "socle-private.json"
GZIP_MAGIC = b"\x1f\x8b"


class DamagedBackup(SocleError):
    status = 422
    title = "Damaged or foreign backup archive"
    type_slug = "damaged-backup"


@dataclass(frozen=True)
class Summary:
    quads: int
    files: tuple[str, ...]
    base_url: str | None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _read_file(directory: str, name: str) -> bytes | None:
    path = os.path.join(directory, name)
    with locked(path if name.endswith(".json") else None):
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            return None


def write_backup(store: Store, out: BinaryIO, private: PrivateArea | None = None) -> Summary:
    """Write the whole instance as a gzipped tar archive to `out` (private: the process's
    private area, `Services.private`; else one is opened beside the store)."""
    dump = io.BytesIO()
    store.dump(dump)  # one snapshot of the store
    quads = dump.getvalue().count(b"\n")
    members: dict[str, bytes] = {"store.nq": dump.getvalue()}
    directory = files_dir(store)
    if directory:
        for name in FILES:
            data = _read_file(directory, name)
            if data is not None:
                members[f"files/{name}"] = data
    with private_area(store, private) as area:
        members[f"files/{PRIVATE}"] = area.dump()  # drafts, quarantine (one snapshot)
    base = stored_base(store)
    manifest = {"format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "base_url": base, "quads": quads, "derived": "rebuild",
                "sha256": {name: _sha256(data) for name, data in members.items()}}
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        _add(tar, "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
        for name, data in members.items():
            _add(tar, name, data)
    return Summary(quads, tuple(n.removeprefix("files/") for n in members if n != "store.nq"),
                   base)


def _damaged(why_fr: str, why_en: str) -> DamagedBackup:
    return DamagedBackup(f"Archive de sauvegarde refusée : {why_fr} ; rien n'a été modifié.",
                         f"Backup archive refused: {why_en}; nothing was changed.")


def read_backup(source: BinaryIO) -> tuple[dict, dict[str, bytes]]:
    """The manifest and members of an archive, every checksum verified."""
    try:
        with tarfile.open(fileobj=source, mode="r:gz") as tar:
            members: dict[str, bytes] = {}
            for info in tar:
                if not info.isfile():
                    continue
                handle = tar.extractfile(info)
                members[info.name] = handle.read() if handle else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _damaged(f"archive illisible ({exc})", f"unreadable archive ({exc})") from None
    try:
        manifest = json.loads(members.pop("manifest.json"))
        expected = manifest["sha256"]
    except (KeyError, ValueError, TypeError):
        raise _damaged("pas de manifeste Socle", "no Socle manifest") from None
    if manifest.get("format") != FORMAT:
        raise _damaged(f"format inconnu {manifest.get('format')!r}",
                       f"unknown format {manifest.get('format')!r}")
    if set(expected) != set(members) or "store.nq" not in members:
        raise _damaged("membres manquants ou en trop", "missing or unexpected members")
    for name, data in members.items():
        if _sha256(data) != expected[name]:
            raise _damaged(f"somme de contrôle fausse pour {name}", f"wrong checksum for {name}")
    for name in members:
        if name != "store.nq" and name.removeprefix("files/") not in (*FILES, PRIVATE):
            raise _damaged(f"fichier inattendu {name}", f"unexpected file {name}")
    return manifest, members


def restore_backup(store: Store, source: BinaryIO,
                   private: PrivateArea | None = None) -> Summary:
    """Replace the instance by an archive's content (checked whole first); private as for
    `write_backup`."""
    manifest, members = read_backup(source)
    dump = io.BytesIO(members["store.nq"])
    try:  # the store parses the whole dump before clearing anything (Store.restore)
        quads = store.restore(dump)
    except SyntaxError as exc:
        raise _damaged(f"store.nq ligne {exc.lineno} : {exc.msg}",
                       f"store.nq line {exc.lineno}: {exc.msg}") from None
    directory = files_dir(store)
    names = []
    if directory:
        for name in ("socle-tokens.json", "socle-curators.json"):  # none then: none now
            if f"files/{name}" not in members:
                path = os.path.join(directory, name)
                with locked(path), contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
        for name, data in members.items():
            if name.startswith("files/") and name != f"files/{PRIVATE}":
                path = os.path.join(directory, name.removeprefix("files/"))
                with locked(path if path.endswith(".json") else None):
                    write_private(path, data.decode("utf-8"))
                names.append(name.removeprefix("files/"))
    with private_area(store, private) as area:
        area.load(members.get(f"files/{PRIVATE}"))  # none then: none now
    if f"files/{PRIVATE}" in members:
        names.append(PRIVATE)
    if IDENTITY_FILE not in names:
        adopt_restored(store)
    return Summary(quads, tuple(names), manifest.get("base_url"))


def is_archive(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC
