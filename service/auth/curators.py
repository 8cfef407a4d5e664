"""Curator accounts: a login and a password per person, scoped to one publisher.

Passwords are hashed with scrypt (a memory-hard KDF; RFC 7914 parameters n=2**14, r=8, p=1)
by Werkzeug's `generate_password_hash`, which also salts and compares in constant time.
Entries written before by hand (`salt`, `hash`, `n`, `r`, `p` fields, stdlib `hashlib.scrypt`)
keep verifying. Like the
token digests (`tokens.py`), accounts live in a JSON file beside the store
(`<data>/socle-curators.json`, mode 600), never in the RDF store: nothing a SPARQL query can
reach ever sees them. A store without a directory keeps them in memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from werkzeug.security import check_password_hash, generate_password_hash

from service.auth.jsonfile import DataFiles, JsonFile
from service.catalog.bookkeeping import now
from service.catalog.publishers import Publisher
from service.errors import Conflict, SocleError

CURATORS_FILE = "socle-curators.json"
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
MIN_PASSWORD = 8
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
METHOD = "scrypt:{n}:{r}:{p}".format(**SCRYPT)  # Werkzeug's method string
_lock = threading.RLock()


@dataclass(frozen=True)
class Curator:
    login: str
    publisher: str
    operator: bool = False  # the platform's operators: the /admin pages (service/ops/admin_views)


def hash_password(password: str) -> dict[str, Any]:
    return {"kdf": "scrypt", "hash": generate_password_hash(password, METHOD)}


def check_password(password: str, entry: dict[str, Any]) -> bool:
    if entry.get("kdf") != "scrypt":
        return False
    if "salt" not in entry:  # "scrypt:n:r:p$salt$hex", Werkzeug's format
        return check_password_hash(entry["hash"], password)
    # An entry hashed by hand before Werkzeug did it: same KDF, fields of their own.
    salt = base64.b64decode(entry["salt"])
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32,
                            n=int(entry["n"]), r=int(entry["r"]), p=int(entry["p"]))
    return hmac.compare_digest(digest, base64.b64decode(entry["hash"]))


_DECOY: dict[str, Any] = {}


def _decoy() -> dict[str, Any]:
    """A hashed entry no password matches, computed once: unknown logins then cost exactly
    one scrypt, like known ones."""
    if not _DECOY:
        _DECOY.update(hash_password(secrets.token_urlsafe(16)))
    return _DECOY


def _accounts(files: DataFiles) -> JsonFile:
    return files.file(CURATORS_FILE)[0]


def add_curator(files: DataFiles, publisher: Publisher, login: str, password: str, *,
                replace: bool = False, operator: bool = False) -> Curator:
    """Create (or, with replace, reset the password of) a curator of this publisher."""
    if not LOGIN.match(login):
        raise SocleError(
            f"Identifiant invalide « {login} » : 2 à 64 caractères, minuscules, chiffres, "
            "« . _ @ - ».",
            f"Invalid login '{login}': 2 to 64 characters, lowercase letters, digits, '. _ @ -'.")
    if len(password) < MIN_PASSWORD:
        raise SocleError(f"Mot de passe trop court : {MIN_PASSWORD} caractères au moins.",
                         f"Password too short: at least {MIN_PASSWORD} characters.")
    with _lock:
        accounts = _accounts(files)
        if login in accounts.entries() and not replace:
            raise Conflict(f"Le compte « {login} » existe déjà.",
                           f"Account '{login}' already exists.")
        entry = {"publisher": publisher.id, "created": now(), **hash_password(password)}
        if operator:
            entry["operator"] = True
        accounts.put({login: entry})
    return Curator(login, publisher.id, operator)


def authenticate(files: DataFiles, login: str, password: str) -> Curator | None:
    """The curator when login and password match; None otherwise (same cost either way)."""
    with _lock:
        entry = _accounts(files).entries().get(login)
    if entry is None:  # one scrypt, as for a known login: logins cannot be told by timing
        check_password(password, _decoy())
        return None
    return _curator(login, entry) if check_password(password, entry) else None


def get_curator(files: DataFiles, login: str) -> Curator | None:
    with _lock:
        entry = _accounts(files).entries().get(login)
    return _curator(login, entry) if entry else None


def list_curators(files: DataFiles) -> list[Curator]:
    with _lock:
        return [_curator(k, v) for k, v in sorted(_accounts(files).entries().items())]


def _curator(login: str, entry: dict[str, Any]) -> Curator:
    return Curator(login, entry["publisher"], bool(entry.get("operator", False)))
