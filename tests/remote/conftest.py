"""Fixtures of the remote-store fault tests: each test starts its own Oxigraph server on a free
port of 127.0.0.1 in a temporary directory, so these tests run in the ordinary (embedded) pass
of the suite. On the remote backend passes they are skipped: they would only repeat themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import backends
from tests.remote.servers import OxigraphServer, oxigraph_binary


def pytest_collection_modifyitems(config, items) -> None:
    here = Path(__file__).parent
    reason = None
    if backends.remote():
        reason = "fault tests start their own servers: run in the embedded pass only"
    elif oxigraph_binary() is None:
        reason = "the oxigraph CLI is missing (pip install oxigraph)"
    if reason:
        for item in items:
            if here in Path(str(item.fspath)).parents:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def oxigraph(tmp_path: Path):
    server = OxigraphServer(tmp_path / "oxigraph").start()
    yield server
    server.stop()
