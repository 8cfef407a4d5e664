"""The store: one small interface, several backends. See base.Store."""

import os
from typing import Any

from service.store.base import DropGraph, PutGraph, PutSubject, Store, StoreLocked

__all__ = ["DropGraph", "PutGraph", "PutSubject", "Store", "StoreLocked", "files_dir", "open_for",
           "open_store"]


def files_dir(store: Store) -> str | None:
    """The directory of the files kept beside the store and not in it (token digests, curator
    accounts, the session key): the embedded store's own directory, or the data directory of
    an external store (shared by every app process: docs/scaling.md). None: in memory."""
    return store.files_dir


def open_store(data_dir: str, *, read_only: bool = False) -> Store:
    """The embedded store in data_dir (created if missing)."""
    from service.store.oxigraph import OxigraphStore

    store = OxigraphStore(data_dir, read_only=read_only)
    if not read_only:
        prune_rocksdb_logs(data_dir)
    return store


def prune_rocksdb_logs(data_dir: str, keep: int = 3) -> int:
    """RocksDB rotates its info log at every open and never deletes the old ones
    (`LOG.old.<micros>`), and pyoxigraph exposes no option for it: keep the newest `keep`.
    Returns how many were removed."""
    try:
        old = sorted(name for name in os.listdir(data_dir) if name.startswith("LOG.old."))
    except OSError:
        return 0
    removed = 0
    for name in old[:-keep] if keep else old:
        try:
            os.unlink(os.path.join(data_dir, name))
            removed += 1
        except OSError:
            pass
    return removed


def open_for(settings: Any, *, read_only: bool = False) -> Store:
    """The store the settings name: the SPARQL server of `store_url` when set (the data
    directory then only keeps the token file), else the embedded store in `data`; a ready
    store in `settings.store` as it is (a command run by the server: service/ops/admin.py)."""
    if getattr(settings, "store", None) is not None:
        ready: Store = settings.store
        return ready
    if getattr(settings, "store_url", ""):
        from service.files import private_dir
        from service.store.sparql import Remote, SparqlStore

        private_dir(settings.data)  # it keeps the token file
        return SparqlStore(Remote(
            settings.store_url, update_url=settings.store_update or None,
            gsp_url=settings.store_gsp or None, user=settings.store_user or None,
            password=settings.store_password or None, auth=settings.store_auth,
            timeout=float(settings.store_timeout)), tokens_dir=settings.data)
    return open_store(settings.data, read_only=read_only)
