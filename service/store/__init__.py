"""The store: one small interface, several backends. See base.Store."""

from service.store.base import DropGraph, PutGraph, PutSubject, Store, StoreLocked

__all__ = ["DropGraph", "PutGraph", "PutSubject", "Store", "StoreLocked", "open_store"]


def open_store(data_dir: str, *, read_only: bool = False) -> Store:
    """The embedded store in data_dir (created if missing)."""
    from service.store.oxigraph import OxigraphStore

    return OxigraphStore(data_dir, read_only=read_only)
