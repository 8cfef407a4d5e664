"""Several app processes over one external store (issue 5): gunicorn with 3 workers over an
Oxigraph server. Writes made through any worker are seen by every worker: record reads, feed
pages (each worker's in-memory feed index follows the others through the store's generation
marker), search pages; deletions disappear everywhere; parallel writers all land."""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from service.auth.curators import add_curator
from service.auth.jsonfile import DataFiles
from service.auth.tokens import create_token
from service.catalog.publishers import add_publisher
from service.config import Settings
from service.store import open_for
from tests.remote.load import Answer, call, record_ttl
from tests.remote.servers import free_port, run_env, wait_for

REPO = Path(__file__).resolve().parents[2]
WORKERS = 3
CURATOR_PASSWORD = "un mot de passe assez long"
DATASET = URIRef("http://www.w3.org/ns/dcat#dataset")


@pytest.fixture
def gunicorn(oxigraph, tmp_path):
    """(base URL, token) of gunicorn --workers 3 over the Oxigraph server."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path / "data"
    env = run_env(SOCLE_DATA=str(data), SOCLE_BASE_URL=base,
                  SOCLE_STORE=f"{oxigraph.base}/query",
                  SOCLE_STORE_UPDATE=f"{oxigraph.base}/update",
                  SOCLE_STORE_GSP=f"{oxigraph.base}/store")
    # Publisher and token first: the token digests live in the shared data directory.
    store = open_for(Settings.from_env(env))
    publisher = add_publisher(store, base, "montfort", "Commune de Montfort-sur-Meu", "213501882")
    files = DataFiles(store)
    token = create_token(files, publisher)
    add_curator(files, publisher, "marie", CURATOR_PASSWORD)
    with open(tmp_path / "gunicorn.log", "wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(WORKERS),
             "--bind", f"127.0.0.1:{port}", "--timeout", "120",
             "tests.remote.wsgi_pid:create_app()"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(f"{base}/health", seconds=120)
        yield base, token
    finally:
        process.terminate()
        process.wait(timeout=30)


def on_every_worker(request, check, rounds: int = 60) -> set[str]:
    """Send `request()` from parallel clients until each worker answered `check` (which
    asserts); the answers of every worker are checked, not only the first one."""
    seen: set[str] = set()
    with ThreadPoolExecutor(WORKERS * 2) as pool:
        for _ in range(rounds):
            for answer in pool.map(lambda _: request(), range(WORKERS * 2)):
                check(answer)
                seen.add(answer.headers["x-test-worker"])
            if len(seen) == WORKERS:
                return seen
    raise AssertionError(f"only workers {seen} answered")


def feed_datasets(answer: Answer) -> set[str]:
    assert answer.status == 200, answer.body[:300]
    graph = Graph().parse(data=answer.body, format="nt")
    return {str(o) for o in graph.objects(None, DATASET) if isinstance(o, URIRef)}


@pytest.mark.slow
def test_several_workers_see_every_write(gunicorn):
    base, token = gunicorn
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}

    def feed() -> Answer:
        return call("feed", f"{base}/catalog.nt?page_size=1000")

    # Every worker builds its feed index now, empty: later writes must reach it by following.
    on_every_worker(feed, lambda a: (a.status == 200) or pytest.fail(a.body[:300]))

    # One stream of writes (they land on whichever worker accepts them).
    created = {}
    for i in range(9):
        answer = call("write", f"{base}/datasets", method="POST",
                      body=record_ttl(i, "multi").encode(), headers=auth)
        assert answer.status == 201, answer.body[:300]
        created[answer.headers["location"]] = answer
    iris = {a.headers["location"]: _iri(a) for a in created.values()}
    assert len(set(iris.values())) == 9

    def sees_all(answer: Answer) -> None:
        assert set(iris.values()) <= feed_datasets(answer)
    on_every_worker(feed, sees_all)
    for url in created:
        on_every_worker(lambda url=url: call("record", f"{url}.ttl"),
                        lambda a: a.status == 200 or pytest.fail(a.body[:300]))
    on_every_worker(lambda: call("search", f"{base}/search?q=multi"),
                    lambda a: _all_found(a, 9))

    # Deletes disappear everywhere.
    gone = list(created)[:3]
    for url in gone:
        assert call("delete", url, method="DELETE", headers=auth).status == 204

    def sees_deletes(answer: Answer) -> None:
        listed = feed_datasets(answer)
        assert not {iris[u] for u in gone} & listed
        assert {iris[u] for u in list(created)[3:]} <= listed
    on_every_worker(feed, sees_deletes)
    for url in gone:
        on_every_worker(lambda url=url: call("record", f"{url}.ttl"),
                        lambda a: a.status == 404 or pytest.fail(f"{a.status}"))
    on_every_worker(lambda: call("search", f"{base}/search?q=multi"),
                    lambda a: _all_found(a, 6))

    # Parallel writers on different records all land.
    def write(n: int) -> Answer:
        return call("write", f"{base}/datasets", method="POST",
                    body=record_ttl(100 + n, "parallel").encode(), headers=auth)
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(write, range(18)))
    assert [a.status for a in answers] == [201] * 18, [a.body[:200] for a in answers]
    assert len({a.headers["x-test-worker"] for a in answers}) > 1
    parallel = {_iri(a) for a in answers}
    on_every_worker(feed, lambda a: _contains(feed_datasets(a), parallel))


def _iri(answer: Answer) -> str:
    import json

    return json.loads(answer.body)["iri"]


def _contains(listed: set[str], wanted: set[str]) -> None:
    assert wanted <= listed, f"{len(wanted - listed)} missing"


def _all_found(answer: Answer, n: int) -> None:
    assert answer.status == 200
    text = answer.body.decode()
    found = sum(f"conseil municipal multi {i}" in text for i in range(9))
    assert found == n, f"worker {answer.headers['x-test-worker']} shows {found} of {n}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.slow
def test_curator_session_holds_on_every_worker(gunicorn):
    """Curator accounts and the session key are files of the shared data directory: a curator
    created with the CLI logs in through one worker and stays logged in on all of them."""
    base, _ = gunicorn
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)

    def get(path: str) -> Answer:
        try:
            with opener.open(f"{base}{path}", timeout=60) as response:
                return Answer("page", response.status, {k.lower(): v for k, v in
                              response.headers.items()}, response.read(), 0, 0)
        except urllib.error.HTTPError as exc:
            return Answer("page", exc.code, {k.lower(): v for k, v in exc.headers.items()},
                          exc.read(), 0, 0)

    form = get("/login").body.decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrf_token": csrf, "login": "marie",
                                   "password": CURATOR_PASSWORD, "next": "/curator/"}).encode()
    try:
        opener.open(f"{base}/login", data=body, timeout=60)
    except urllib.error.HTTPError as exc:
        assert exc.code in (302, 303), exc.read()[:300]
    on_every_worker(lambda: get("/curator/"),
                    lambda a: a.status == 200 or pytest.fail(f"{a.status} {a.headers}"))
