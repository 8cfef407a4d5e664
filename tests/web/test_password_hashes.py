"""Curator passwords: hashed by Werkzeug's scrypt now; entries hashed by hand before (stdlib
hashlib.scrypt, fields salt/hash/n/r/p) keep verifying, so no account is locked out."""

from __future__ import annotations

import base64
import hashlib

from service.auth.curators import add_curator, authenticate, check_password, hash_password
from service.auth.jsonfile import DataFiles
from service.catalog.publishers import add_publisher
from service.store import open_store


def legacy_entry(password: str, salt: bytes = b"0123456789abcdef") -> dict:
    """What the hand-written hashing stored (the code this replaced, verbatim in effect)."""
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, n=2**14, r=8, p=1)
    return {"kdf": "scrypt", "n": 2**14, "r": 8, "p": 1,
            "salt": base64.b64encode(salt).decode(), "hash": base64.b64encode(digest).decode()}


def test_new_hashes_are_werkzeug_scrypt():
    entry = hash_password("a long password")
    assert entry["kdf"] == "scrypt" and entry["hash"].startswith("scrypt:16384:8:1$")
    assert check_password("a long password", entry)
    assert not check_password("another password", entry)
    assert hash_password("a long password")["hash"] != entry["hash"]  # salted


def test_legacy_entries_still_verify():
    entry = legacy_entry("an old password")
    assert check_password("an old password", entry)
    assert not check_password("a wrong password", entry)


def test_a_legacy_account_logs_in_from_the_accounts_file(tmp_path):
    store = open_store(str(tmp_path / "data"))
    try:
        pub = add_publisher(store, "http://socle.test", "montfort", "Commune de Montfort")
        files = DataFiles(store)
        add_curator(files, pub, "bob", "a placeholder password")
        from service.auth.curators import _accounts

        _accounts(files).put({"alice": {"publisher": "montfort", "created": "2024-01-01",
                                        **legacy_entry("an old password")}})
        assert authenticate(files, "alice", "an old password") is not None
        assert authenticate(files, "alice", "a wrong password") is None
        assert authenticate(files, "bob", "a placeholder password") is not None
    finally:
        store.close()
