"""One app over the demo catalogue per module (query workers start once), with a token."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from service.app import create_app
from service.auth.tokens import create_token
from service.catalog.publishers import add_publisher
from service.config import Settings

BASE = "http://socle.test"


def make_app(tmp_path, **overrides):
    settings = Settings(data=str(tmp_path / "data"), base_url=BASE, demo=True, **overrides)
    return create_app(settings)


def close_app(app) -> None:
    app.extensions["socle"].sparql.close()
    app.extensions["socle"].store.close()


@pytest.fixture(scope="module")
def sparql_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("sparql"))
    svc = app.extensions["socle"]
    pub = add_publisher(svc.store, BASE, "tokentest", "Commune test", "213501882")
    app.token = create_token(svc.files, pub)
    yield app
    close_app(app)


class BufferedClient(FlaskClient):
    """Reads and closes every response, as a WSGI server does (a worker returns on close)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


def client(app) -> FlaskClient:
    app.test_client_class = BufferedClient
    return app.test_client()


@pytest.fixture(scope="module")
def sc(sparql_app):
    return client(sparql_app)
