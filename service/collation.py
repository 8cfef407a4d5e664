"""One Unicode Collation Algorithm collator per process (pyuca, DUCET).

Why one module: the search index's title keys (service/search/text.py) and the pages' sorted
lists (service/web/formats.py) must order alike, and building the collator parses pyuca's
whole key table (a few hundred ms), which a process should pay once. CLDR's French collation
is the root order, so no tailoring is needed.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
# the collator once built; a lock rather than lru_cache, so that two requests asking at
# once build it once
_built: list[Any] = []


def collator() -> Any:
    """pyuca's collator, built on first use."""
    if not _built:
        with _lock:
            if not _built:
                import pyuca

                _built.append(pyuca.Collator())
    return _built[0]
