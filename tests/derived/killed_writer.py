"""Run by tests/derived/test_kill.py as a process of its own: one record write (create or
delete) that kills itself with SIGKILL right after the store transaction committed, before
the derived store took the change: the window the pending log exists for."""

from __future__ import annotations

import os
import signal
import sys

from rdflib import Graph

from service.config import Settings
from service.derived.store import DerivedStore
from service.services import build_services


def _die(*_args: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    data, base, action, arg = sys.argv[1:5]
    svc = build_services(Settings(data=data, base_url=base))
    DerivedStore.written = _die  # type: ignore[method-assign]
    DerivedStore.deleted = _die  # type: ignore[method-assign]
    if action == "create":
        svc.records.create("montfort", Graph().parse(data=arg, format="turtle"))
    else:
        svc.records.delete("montfort", arg)
    sys.exit("not killed")


if __name__ == "__main__":
    main()
