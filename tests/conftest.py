"""Shared fixtures: a real app over a real Oxigraph store in a temporary directory."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from service.app import create_app
from service.auth.tokens import create_token
from service.catalog.publishers import add_publisher
from service.config import Settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"
BASE = "http://socle.test"

VALID_TTL = """\
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
[] a dcat:Dataset ;
  dct:title "Délibérations du conseil municipal"@fr ;
  dct:description "Liste des délibérations adoptées par le conseil municipal."@fr ;
  dct:identifier "deliberations-montfort" ;
  dcat:keyword "délibérations"@fr ;
  dcat:theme <http://publications.europa.eu/resource/authority/data-theme/GOVE> ;
  dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/MONTHLY> ;
  dct:spatial <http://id.insee.fr/geo/commune/35188> ;
  dct:issued "2024-01-15"^^xsd:date ;
  dct:conformsTo <https://schema.data.gouv.fr/scdl/deliberations/2.1.3/> ;
  dcat:contactPoint [ a vcard:Organization ; vcard:fn "Mairie de Montfort-sur-Meu" ;
                      vcard:hasEmail <mailto:mairie@montfort-sur-meu.fr> ] ;
  dcat:distribution [ a dcat:Distribution ;
    dct:title "Délibérations (CSV)"@fr ;
    dcat:accessURL <https://data.montfort-sur-meu.fr/deliberations.csv> ;
    dcat:downloadURL <https://data.montfort-sur-meu.fr/deliberations.csv> ;
    dct:format <http://publications.europa.eu/resource/authority/file-type/CSV> ;
    dct:license <https://www.etalab.gouv.fr/licence-ouverte-open-licence/> ] .
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data=str(tmp_path / "data"), base_url=BASE)


@pytest.fixture
def app(settings: Settings):
    app = create_app(settings)
    yield app
    app.extensions["socle"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def svc(app):
    return app.extensions["socle"]


@pytest.fixture
def publisher(svc):
    return add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")


@pytest.fixture
def other_publisher(svc):
    return add_publisher(svc.store, BASE, "iffendic", "Commune d'Iffendic", "213501338")


@pytest.fixture
def token(svc, publisher) -> str:
    return create_token(svc.files, publisher)


@pytest.fixture
def other_token(svc, other_publisher) -> str:
    return create_token(svc.files, other_publisher)


@pytest.fixture
def auth(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def valid_ttl() -> str:
    return VALID_TTL


def post_ttl(client, body: str | bytes, headers: dict[str, str], **kw):
    return client.post("/datasets", data=body,
                       headers={"Content-Type": "text/turtle", **headers}, **kw)


@pytest.fixture
def snapshot(svc):
    """A callable giving the store's whole content, to prove a failed write changed nothing."""

    def take() -> bytes:
        out = io.BytesIO()
        svc.store.dump(out)
        return b"\n".join(sorted(out.getvalue().splitlines()))

    return take


# -- backends: SOCLE_TEST_STORE=embedded|oxigraph-server|virtuoso (tests/backends.py) ----------
def pytest_configure(config) -> None:
    from tests import backends

    if backends.remote():
        backends.install()


def pytest_collection_modifyitems(config, items) -> None:
    from tests import backends

    if not backends.remote():
        return
    for item in items:
        marker = item.get_closest_marker("embedded_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else "embedded store only"
            item.add_marker(pytest.mark.skip(reason=f"{backends.BACKEND}: {reason}"))


@pytest.fixture(autouse=True)
def _fresh_remote_store():
    """On a remote backend each test starts on an empty store (see tests/backends.py)."""
    from tests import backends

    if backends.remote():
        backends.REGISTRY.park()
    yield
