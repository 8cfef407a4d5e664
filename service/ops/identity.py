"""The instance's identity: the base URL its IRIs were minted under, kept in the data directory.

Every record, publisher, skolem and bookkeeping IRI is minted under the base URL, so a store
written under one base and served under another publishes IRIs nobody can dereference. The base
is therefore written to `<data>/socle-instance.json` the first time a writer opens the data
directory, and every later start or command uses it:

- no base given (no `--base-url`, no `SOCLE_BASE_URL`): the stored one;
- the stored one given: fine;
- another one given: refused while the store holds anything (`socle rebase NEW_URL` moves the
  IRIs); on an empty store nothing was minted yet, so the new base simply replaces the old.

Stores written before this file existed get their base read back from their bookkeeping IRIs.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace
from typing import Any

from service.auth.jsonfile import write_private
from service.errors import SocleError
from service.rdf.namespaces import PUBLISHERS_GRAPH, RECORDS_GRAPH, SOCLE
from service.store import Store, files_dir

IDENTITY_FILE = "socle-instance.json"
log = logging.getLogger("socle.ops")


class BaseUrlMismatch(SocleError):
    status = 409
    title = "Base URL differs from the stored one"
    type_slug = "base-url-mismatch"


def identity_path(store: Store) -> str | None:
    path = files_dir(store)
    return os.path.join(path, IDENTITY_FILE) if path else None


def stored_base(store: Store) -> str | None:
    """The base URL kept in the data directory, if any."""
    path = identity_path(store)
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return str(json.load(handle)["base_url"]).rstrip("/")


def write_base(store: Store, base_url: str) -> None:
    path = identity_path(store)
    if path:
        write_private(path, json.dumps({"base_url": base_url.rstrip("/")}, indent=1) + "\n")


def is_empty(store: Store) -> bool:
    """Nothing minted yet: no publisher and no record (every record has a publisher). Asked of
    Socle's own graphs: a SPARQL server may hold graphs of its own (Virtuoso does)."""
    return not store.ask(f"""ASK {{ {{ GRAPH <{PUBLISHERS_GRAPH}> {{ ?s ?p ?o }} }}
        UNION {{ GRAPH <{RECORDS_GRAPH}> {{ ?s ?p ?o }} }} }}""")


def inferred_base(store: Store) -> str | None:
    """The base of a store written before the identity file: read back from a record's
    bookkeeping IRI (`{base}/records/{id}`) or a publisher IRI (`{base}/publishers/{id}`)."""
    for graph, kind in ((RECORDS_GRAPH, "records"), (PUBLISHERS_GRAPH, "publishers")):
        rows = store.select(f"""SELECT ?s ?id WHERE {{ GRAPH <{graph}> {{
            ?s <{SOCLE.localId}> ?id }} }} LIMIT 20""")
        for row in rows:
            suffix = f"/{kind}/{row['id']}"
            if str(row["s"]).endswith(suffix):
                return str(row["s"])[: -len(suffix)]
    return None


def adopt_restored(store: Store) -> None:
    """After a dump replaced the content: the base is the one its IRIs were minted under."""
    base = inferred_base(store)
    if base:
        write_base(store, base)


def mismatch(stored: str, given: str) -> BaseUrlMismatch:
    return BaseUrlMismatch(
        f"Cette instance a été créée avec l'URL de base {stored} (enregistrée dans le dossier "
        f"de données) ; {given} a été demandée. Relancez sans --base-url / SOCLE_BASE_URL, ou "
        f"déplacez toutes les IRI avec « socle rebase {given} ».",
        f"This instance was created with the base URL {stored} (stored in the data "
        f"directory); {given} was asked for. Start again without --base-url / SOCLE_BASE_URL, "
        f"or move every IRI with `socle rebase {given}`.",
        stored_base_url=stored, given_base_url=given)


def resolve(store: Store, given: str | None, default: str, *, write: bool = True) -> str:
    """The base URL to use with this store (see the module docstring); raises
    BaseUrlMismatch. `write`: record it when the directory has none yet (writers only)."""
    given = given.rstrip("/") if given else None
    if identity_path(store) is None:  # in memory: nothing outlives the process
        return given or default
    stored = stored_base(store)
    if stored is None and not getattr(store, "read_only", False):
        stored = None if is_empty(store) else inferred_base(store)
        base = stored or given or default
        if write:
            write_base(store, base)
        if stored and given and given != stored:
            raise mismatch(stored, given)
        return base
    if stored is None:
        return given or default
    if given is None or given == stored:
        return stored
    if write and not getattr(store, "read_only", False) and is_empty(store):
        log.info("empty store: base URL %s replaces %s", given, stored)
        write_base(store, given)
        return given
    raise mismatch(stored, given)


def bind(settings: Any, store: Store, *, write: bool = True) -> Any:
    """The settings with the base URL resolved against the data directory."""
    given = settings.base_url if getattr(settings, "base_url_given", True) else None
    default = f"http://localhost:{settings.port}"
    base = resolve(store, given, default, write=write)
    return replace(settings, base_url=base, base_url_given=True)
