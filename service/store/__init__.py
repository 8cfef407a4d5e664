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

    return OxigraphStore(data_dir, read_only=read_only)


def open_for(settings: Any, *, read_only: bool = False) -> Store:
    """The store the settings name: the SPARQL server of `store_url` when set (the data
    directory then only keeps the token file), else the embedded store in `data`."""
    if getattr(settings, "store_url", ""):
        from service.store.sparql import Remote, SparqlStore

        os.makedirs(settings.data, exist_ok=True)
        return SparqlStore(Remote(
            settings.store_url, update_url=settings.store_update or None,
            gsp_url=settings.store_gsp or None, user=settings.store_user or None,
            password=settings.store_password or None, auth=settings.store_auth,
            timeout=float(settings.store_timeout)), tokens_dir=settings.data)
    return open_store(settings.data, read_only=read_only)
