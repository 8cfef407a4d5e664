"""What a process keeps beside its store belongs to its `Services` (service/services.py), not to
module-level registries: two sets of services in one process (tests, a command run inside
`socle serve`) share nothing but the files on disk."""

from __future__ import annotations

import re

import pytest

from service.auth.tokens import create_token, publisher_for_token
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.errors import SocleError
from service.ratelimit import RateLimits
from service.services import build_services
from service.store.oxigraph import OxigraphStore
from tests.conftest import BASE, REPO

REGISTRY = re.compile(r"WeakKeyDictionary|WeakValueDictionary|store\.__dict__|_REGISTRY\b")


def test_no_module_level_registry_in_the_service():
    found = [f"{path.relative_to(REPO)}:{n}" for path in sorted((REPO / "service").rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if REGISTRY.search(line)]
    assert found == []


@pytest.fixture
def two(tmp_path):
    """Two sets of services in one process, each over its own in-memory store."""
    built = [build_services(Settings(base_url=BASE, store=OxigraphStore(None)))
             for _ in range(2)]
    yield built
    for svc in built:
        svc.close()


def test_tokens_live_in_the_services_files(two):
    first, second = two
    pub = add_publisher(first.store, BASE, "montfort", "Commune de Montfort")
    token = create_token(first.files, pub)
    assert publisher_for_token(first.files, token) == "montfort"
    assert publisher_for_token(second.files, token) is None
    assert first.files.file("socle-tokens.json")[0] is first.files.file("socle-tokens.json")[0]


def test_each_services_has_its_private_area(two):
    first, second = two
    assert first.records.private is first.private
    assert first.private is not second.private


def test_rate_limits_are_per_services():
    """One request per 100 minutes, bursts of one: the second is refused at once."""
    one, other = RateLimits(), RateLimits()
    one.check("validate", 0.01, 1, "203.0.113.7")
    with pytest.raises(SocleError) as refused:
        one.check("validate", 0.01, 1, "203.0.113.7")
    assert refused.value.status == 429
    other.check("validate", 0.01, 1, "203.0.113.7")  # its own bucket
