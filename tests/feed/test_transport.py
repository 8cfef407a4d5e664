"""Feed pages as waitress sends them: a file wrapper over the page's bytes (views._whole),
the same bytes as the test client's, Content-Length on GET and HEAD, the size in the access
log."""

from __future__ import annotations

import threading
import urllib.request

import pytest
from waitress import create_server
from waitress.buffers import ReadOnlyFileBasedBuffer
from werkzeug.test import EnvironBuilder

from tests.conftest import post_ttl
from tests.feed.test_feed import dataset


@pytest.fixture
def page_app(app, client, auth):
    for i in range(12):
        assert post_ttl(client, dataset(i), auth).status_code == 201
    return app


@pytest.mark.parametrize("path", ["/catalog.nt", "/catalog.ttl", "/catalog.jsonld",
                                  "/catalog.nt?profile=datagouv"])
def test_waitress_gets_the_page_as_its_file_wrapper(page_app, path):
    """Given waitress's ``wsgi.file_wrapper``, the app answers a page with it (waitress then
    sends the bytes without copying them into its buffer)."""
    expected = page_app.test_client().get(path)
    environ = EnvironBuilder(path=path).get_environ()
    environ["wsgi.file_wrapper"] = ReadOnlyFileBasedBuffer
    started: list[str] = []
    app_iter = page_app.wsgi_app(environ, lambda status, headers, *_: started.append(status))
    assert isinstance(app_iter, ReadOnlyFileBasedBuffer) and started == ["200 OK"]
    size = app_iter.prepare()
    assert app_iter.get(size) == expected.data and size == len(expected.data)


def test_pages_over_waitress_equal_the_test_client_ones(page_app, caplog):
    server = create_server(page_app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.effective_port}"
        for path in ("/catalog.nt", "/catalog.ttl", "/catalog.nt?page_size=5&page=3"):
            with caplog.at_level("INFO", logger="socle.access"), \
                    urllib.request.urlopen(url + path) as response:
                body, length = response.read(), response.headers["Content-Length"]
            assert body == page_app.test_client().get(path).data
            assert int(length) == len(body)
            logged = [r for r in caplog.records if getattr(r, "fields", {}).get("event")
                      == "access"]
            assert logged and logged[-1].fields["bytes"] == len(body)
            head = urllib.request.Request(url + path, method="HEAD")
            with urllib.request.urlopen(head) as response:
                assert response.read() == b""
                assert int(response.headers["Content-Length"]) == len(body)
    finally:
        server.close()
        thread.join(5)
