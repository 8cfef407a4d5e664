"""Run by tests/records/test_move_kill.py as a process of its own: one write that moves record
``jeu-0001`` between the private area and the store (``publish``: a draft published;
``hide``: the public record saved as a draft), killed with SIGKILL ``before`` its store
transaction or ``after`` it (before the move's log row is removed): the two windows of
service/catalog/moves.py."""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from rdflib import Graph

from service.catalog.private import PrivateArea
from service.config import Settings
from service.services import build_services

RECORD = "jeu-0001"


def _die(*_args: Any, **_kw: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    data, base, action, when, text = sys.argv[1:6]
    svc = build_services(Settings(data=data, base_url=base))
    if when == "before":
        type(svc.store).apply = _die  # type: ignore[method-assign]
    else:
        PrivateArea.end_moves = _die  # type: ignore[method-assign]
    if action == "publish":
        svc.records.publish("montfort", RECORD)
    else:
        svc.records.replace("montfort", RECORD, Graph().parse(data=text, format="turtle"),
                            status="draft")
    sys.exit("not killed")


if __name__ == "__main__":
    main()
