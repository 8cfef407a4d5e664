"""A time budget for one search: SQLite's progress handler interrupts the running statement
once the budget is spent, so no query shape (a fallback over very common stems, facet counts
over most of the catalogue) can hold a worker for long.

What the reader gets when it runs out: a `SearchTooLong` problem (503) asking to narrow the
search, not a partial answer. A page of results ranked over part of the matches, or a total
counted on part of them, would look like a complete answer and be wrong without saying so.
The budget covers the whole answer (total, page, facet counts, and the fallback query).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from service.errors import SocleError

DEFAULT_MS = 3000
ENV = "SOCLE_SEARCH_BUDGET_MS"
STEPS = 1000  # SQLite virtual machine instructions between two looks at the clock


class SearchTooLong(SocleError):
    status = 503
    title = "Search took too long"
    type_slug = "search-too-long"


def configured_ms() -> int | None:
    """The operator's budget in milliseconds (`SOCLE_SEARCH_BUDGET_MS`, 0 or less: none)."""
    value = os.environ.get(ENV, "").strip()
    ms = int(value) if value else DEFAULT_MS
    return ms if ms > 0 else None


@contextmanager
def budget(con: sqlite3.Connection, ms: float | None, steps: int = STEPS) -> Iterator[None]:
    """Runs the block with `con` interrupted `ms` milliseconds after it started (None: no
    budget), looking at the clock every `steps` instructions; an interrupted statement raises
    `SearchTooLong`. The handler is removed on the way out (the connection is shared)."""
    if ms is None:
        yield
        return
    deadline = time.monotonic() + ms / 1000
    con.set_progress_handler(lambda: int(time.monotonic() >= deadline), max(1, steps))
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "interrupt" not in str(exc):
            raise
        raise SearchTooLong(
            f"La recherche a pris plus de {ms / 1000:g} s et a été arrêtée. Précisez-la : "
            "plus de mots, des mots moins courants, ou un filtre (éditeur, thème…).",
            f"The search took more than {ms / 1000:g} s and was stopped. Narrow it: more "
            "words, less common words, or a filter (publisher, theme…).",
            budget_ms=ms) from None
    finally:
        con.set_progress_handler(None, 0)
