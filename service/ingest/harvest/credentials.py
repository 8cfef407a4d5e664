"""Sources stored before URLs with credentials were refused (docs/harvest.md).

Such a source could never be harvested (the fetch policy refused its URL), yet its URL, its
name (the URL by default) and its run reports were readable by anyone through
GET /publishers/{id}/harvest and /sparql. `scrub` rewrites them without the user-info: the
secret leaves the store, the source stays (harvestable if the server does not need the
password). It runs when the app starts and before the CLI's harvest and source commands.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

from service.ingest.harvest import report as reports
from service.ingest.harvest.policy import has_credentials
from service.ingest.harvest.sources import list_sources, put_source
from service.store import Store

log = logging.getLogger(__name__)


def without_credentials(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def scrub(store: Store) -> list[str]:
    """Remove credentials from stored sources and their run reports; the ids of those fixed."""
    fixed = []
    for src in list_sources(store):
        if not has_credentials(src.url):
            continue
        userinfo = urlsplit(src.url).netloc.rpartition("@")[0] + "@"
        clean = without_credentials(src.url)
        put_source(store, replace(src, url=clean, name=src.name.replace(userinfo, "")))
        for run in reports.runs(store, source=src.id, limit=reports.KEEP_RUNS + 1):
            text = json.dumps(run.to_dict(), ensure_ascii=False).replace(userinfo, "")
            reports.save(store, reports.RunReport.from_dict(json.loads(text)))
        log.warning("harvest source %s: credentials removed from its stored URL", src.id)
        fixed.append(src.id)
    return fixed
