"""The demo curator: `socle serve --demo` lets anyone try the curator pages at once.

Login `demo`, password `demo-socle` (documented in the README), curator of the demo publisher
`montfort-sur-meu`. Only with --demo: never on a real instance.
"""

from __future__ import annotations

from service.auth.curators import add_curator, get_curator
from service.auth.jsonfile import DataFiles
from service.catalog.publishers import get_publisher
from service.store import Store

DEMO_LOGIN = "demo"
DEMO_PASSWORD = "demo-socle"
DEMO_PUBLISHER = "montfort-sur-meu"


def ensure_demo_curator(store: Store, files: DataFiles, base_url: str) -> None:
    if get_curator(files, DEMO_LOGIN) is None:
        add_curator(files, get_publisher(store, base_url, DEMO_PUBLISHER), DEMO_LOGIN,
                    DEMO_PASSWORD)
