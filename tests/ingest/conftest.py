"""Harvest fixtures: a real HTTP site on 127.0.0.1, and services whose harvest policy allows
127.0.0.1 explicitly (as an operator would allow one internal host)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.app import build_services
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.ingest.harvest.setup import harvester
from tests.conftest import BASE
from tests.ingest.site import Site

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "interop: real harvesters (udata, ckanext-dcat) against the running service")


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()


def harvest_settings(tmp_path: Path, **extra) -> Settings:
    values = {"data": str(tmp_path / "data"), "base_url": BASE, "harvest_allow": "127.0.0.1",
              "harvest_backoff": 0.01, "harvest_timeout": 5.0, **extra}
    return Settings(**values)


@pytest.fixture
def hsvc(tmp_path):
    """Services over a real Oxigraph store, with the publisher `montfort`."""
    svc = build_services(harvest_settings(tmp_path))
    add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")
    yield svc
    svc.store.close()


@pytest.fixture
def engine(hsvc):
    return harvester(hsvc)
