"""Load the demo catalogue (publishers and ~30 SCDL-type datasets); safe to run at every start."""

from __future__ import annotations

import logging

from service.catalog import bookkeeping
from service.catalog.publishers import add_publisher, get_publisher
from service.catalog.records import RecordService
from service.rdf.formats import TURTLE
from service.rdf.parse import parse_rdf
from service.rdf.records import split_catalogue
from service.store import Store

log = logging.getLogger(__name__)


def load_demo(store: Store, records: RecordService) -> dict[str, int]:
    from service.demo import DEMO_PUBLISHERS, demo_records

    # Two demo datasets have no dct:identifier (to show that one is minted): loading them
    # again would create them again. A demo publisher's records are loaded once, when it has
    # none; other publishers' records do not matter.
    loaded = {pub["id"] for pub in DEMO_PUBLISHERS
              if bookkeeping.count_records(store, pub["id"]) > 0}
    for pub in DEMO_PUBLISHERS:
        if get_publisher(store, records.base_url, pub["id"], required=False) is None:
            add_publisher(store, records.base_url, pub["id"], pub["name"], pub.get("siren"))
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for publisher_id, turtle in demo_records():
        if publisher_id in loaded:
            continue
        for extracted in split_catalogue(parse_rdf(turtle, TURTLE)):
            result = records.upsert(publisher_id, extracted)
            counts[result.outcome] += 1
    log.info("demo catalogue: %s", counts)
    return counts
