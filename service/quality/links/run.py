"""One link-check run: the distribution URLs of a publisher (or of every record), checked,
kept, and the scores they feed rescored. Used by `socle links check` and the server's
periodic job; never part of a write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.quality import keeper
from service.quality.links import results
from service.quality.links.checker import CheckSettings, LinkChecker
from service.quality.links.results import LinkResult
from service.store import Store


@dataclass
class Run:
    checked: int = 0
    ok: int = 0
    broken: int = 0
    skipped: int = 0  # robots.txt
    broken_urls: list[LinkResult] = field(default_factory=list)
    rescored: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        return {"checked": self.checked, "ok": self.ok, "broken": self.broken,
                "skipped": self.skipped, "rescore": self.rescored}


def urls_of(store: Store, publisher: str | None = None) -> set[str]:
    """Every dcat:accessURL and dcat:downloadURL of the scored records."""
    urls: set[str] = set()
    for row in keeper.stored(store, publisher, with_facts=True):
        urls |= row["facts"].urls()
    return urls


def settings_from(settings: Any) -> CheckSettings:
    return CheckSettings(timeout=float(settings.linkcheck_timeout),
                         per_host=int(settings.linkcheck_per_host),
                         min_interval=float(settings.linkcheck_min_interval),
                         workers=int(settings.linkcheck_workers),
                         robots=bool(settings.linkcheck_robots))


def run(store: Store, policy: object, check: CheckSettings, publisher: str | None = None,
        progress: Callable[[LinkResult], None] | None = None) -> Run:
    urls = urls_of(store, publisher)
    before = results.load(store, urls)
    checker = LinkChecker(policy, check)
    out = Run()
    found: list[LinkResult] = []
    for result in checker.check_all(urls):
        if result.ok is False:
            previous = before.get(result.url)
            since = (previous.broken_since or previous.checked_at
                     if previous is not None and previous.ok is False else result.checked_at)
            result = LinkResult(**{**result.__dict__, "broken_since": since})
            out.broken += 1
            out.broken_urls.append(result)
        elif result.ok is None:
            out.skipped += 1
        else:
            out.ok += 1
        out.checked += 1
        found.append(result)
        if progress:
            progress(result)
    results.save(store, found)
    out.rescored = keeper.rescore_all(store, publisher=publisher).summary()
    return out
