"""Atomicity of record writes on a remote store when the connection is cut (issue 5).

A real Oxigraph server, a proxy (tests/remote/proxy.py) between the service and it, and the
HTTP API: whatever the proxy cuts, the record is afterwards entirely the old one or entirely the
new one — its graph and its bookkeeping entry together — never half. A write that could not
reach the store answers 503 problem+json with Retry-After; one whose answer was lost after the
server applied it is retried, and the replay is harmless (every update replaces whole graphs).
"""

from __future__ import annotations

import io
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from service.app import create_app
from service.auth.tokens import create_token
from service.catalog.publishers import add_publisher
from service.catalog.records import RecordService
from service.config import Settings
from service.store.sparql import GENERATION_GRAPH, Remote, SparqlStore
from tests.conftest import VALID_TTL
from tests.remote.proxy import Fault, Proxy

BASE = "http://socle.test"


def version(tag: str, keywords: int = 40) -> str:
    """The test record with a title and many keywords of its own: two versions differ in many
    triples, so half of a replace could not look like either."""
    words = " , ".join(f'"{tag}-mot-{i}"@fr' for i in range(keywords))
    return (VALID_TTL.replace("Délibérations du conseil municipal",
                              f"Délibérations du conseil municipal ({tag})")
            .replace('dcat:keyword "délibérations"@fr', f"dcat:keyword {words}"))


OLD, NEW = version("ancienne"), version("nouvelle")


@dataclass
class Reference:
    """The old and new record as an embedded store keeps them (same base, publisher, ids)."""

    id: str
    iri: str
    old: Graph
    new: Graph
    old_hash: str
    new_hash: str


def _publish(app) -> dict[str, str]:
    svc = app.extensions["socle"]
    pub = add_publisher(svc.store, BASE, "montfort", "Commune de Montfort-sur-Meu", "213501882")
    return {"Authorization": f"Bearer {create_token(svc.files, pub)}",
            "Content-Type": "text/turtle"}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Reference:
    app = create_app(Settings(data=str(tmp_path_factory.mktemp("reference")), base_url=BASE))
    client, headers = app.test_client(), _publish(app)
    svc = app.extensions["socle"]
    created = client.post("/datasets", data=OLD, headers=headers).get_json()
    old_meta = svc.records.meta(created["id"])
    old = svc.store.graph(created["iri"])
    assert client.put(f"/datasets/{created['id']}", data=NEW, headers=headers).status_code == 200
    new_meta = svc.records.meta(created["id"])
    ref = Reference(created["id"], created["iri"], old, svc.store.graph(created["iri"]),
                    old_meta.content_hash, new_meta.content_hash)
    svc.store.close()
    return ref


@dataclass
class Rig:
    client: object
    headers: dict[str, str]
    proxy: Proxy
    direct: SparqlStore

    def state(self, ref: Reference) -> str:
        """'old', 'new' or 'half', from what the server really holds (no proxy)."""
        graph = self.direct.graph(ref.iri)
        stored_hash = RecordService(self.direct, None, BASE).meta(ref.id).content_hash
        if isomorphic(graph, ref.old) and stored_hash == ref.old_hash:
            return "old"
        if isomorphic(graph, ref.new) and stored_hash == ref.new_hash:
            return "new"
        return "half"

    def dump(self) -> list[bytes]:
        out = io.BytesIO()
        self.direct.dump(out)
        return sorted(out.getvalue().splitlines())


@pytest.fixture
def rig(oxigraph, tmp_path: Path, reference: Reference) -> Rig:
    proxy = Proxy(oxigraph.port)
    (tmp_path / "data").mkdir()
    # Few, quick retries: the test waits for the 503 (the defaults wait ~3 s).
    store = SparqlStore(Remote(proxy.url("/query"), update_url=proxy.url("/update"),
                               gsp_url=proxy.url("/store"), retries=2, backoff=0.05),
                        tokens_dir=str(tmp_path / "data"))
    app = create_app(Settings(data=str(tmp_path / "data"), base_url=BASE, store=store))
    client, headers = app.test_client(), _publish(app)
    created = client.post("/datasets", data=OLD, headers=headers)
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["id"] == reference.id
    yield Rig(client, headers, proxy, oxigraph.store())
    proxy.close()


def assert_503(response) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    problem = response.get_json()
    assert problem["status"] == 503 and problem["detail_fr"] and problem["detail_en"]


@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.5, 0.97])
def test_replace_cut_mid_request_leaves_the_old_record(rig, reference, fraction):
    before = rig.dump()
    rig.proxy.fault = Fault("cut_request", fraction=fraction)
    response = rig.client.put(f"/datasets/{reference.id}", data=NEW, headers=rig.headers)
    assert_503(response)
    assert rig.proxy.fault.hits == 3  # the first try and two retries, all cut
    assert rig.state(reference) == "old"
    assert rig.dump() == before  # nothing else moved either (generation marker included)
    rig.proxy.fault = None
    served = Graph().parse(data=rig.client.get(f"/datasets/{reference.id}.ttl").get_data(
        as_text=True), format="turtle")
    assert isomorphic(served, reference.old)


@pytest.mark.parametrize("fraction", [0.0, 0.5])
def test_replace_cut_once_succeeds_on_retry(rig, reference, fraction):
    rig.proxy.fault = Fault("cut_request", fraction=fraction, times=1)
    response = rig.client.put(f"/datasets/{reference.id}", data=NEW, headers=rig.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert rig.proxy.fault.hits == 1
    assert rig.state(reference) == "new"


def test_answer_lost_after_apply_is_replayed_harmlessly(rig, reference):
    """The server applied the update, the answer never came: the store sends the very same
    request again, the server applies it twice, and the record is simply the new one."""
    rig.proxy.fault = Fault("drop_response", times=1)
    response = rig.client.put(f"/datasets/{reference.id}", data=NEW, headers=rig.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(rig.proxy.captured) == 2 and rig.proxy.captured[0] == rig.proxy.captured[1]
    assert rig.state(reference) == "new"
    markers = rig.direct.select(f"SELECT ?v WHERE {{ GRAPH <{GENERATION_GRAPH}> {{ ?s ?p ?v }} }}")
    assert len(markers) == 1
    modified = rig.direct.select(
        "SELECT ?m WHERE { GRAPH ?g { ?r <http://xmlns.com/foaf/0.1/primaryTopic> "
        f"<{reference.iri}> ; <http://purl.org/dc/terms/modified> ?m }} }}")
    assert len(modified) == 1


def test_answer_always_lost_is_503_but_whole(rig, reference):
    """Outcome unknown to the service: 503, and the record is whole (here the new one, since
    the server did apply it); the client's retry of its PUT then finds nothing to change."""
    rig.proxy.fault = Fault("drop_response")
    assert_503(rig.client.put(f"/datasets/{reference.id}", data=NEW, headers=rig.headers))
    assert rig.state(reference) == "new"
    rig.proxy.fault = None
    again = rig.client.put(f"/datasets/{reference.id}", data=NEW, headers=rig.headers)
    assert again.status_code == 200 and again.get_json()["outcome"] == "unchanged"


def _post_update(base: str, body: bytes) -> None:
    request = urllib.request.Request(f"{base}/update", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    urllib.request.urlopen(request, timeout=10).read()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_replaying_a_write_changes_nothing(rig, reference, oxigraph, method):
    """Idempotence itself: the exact requests a replace or a delete sent, sent once more."""
    rig.proxy.fault = Fault("drop_response", times=0)  # never fires; captures the bodies
    if method == "put":
        response = rig.client.put(f"/datasets/{reference.id}", data=NEW, headers=rig.headers)
        assert response.status_code == 200
    else:
        response = rig.client.delete(f"/datasets/{reference.id}", headers=rig.headers)
        assert response.status_code == 204
    # The record's write is one request (graph and bookkeeping together); a delete is then
    # followed by the quality score's own drop (service/quality/keeper.py), its own request.
    record = urllib.parse.unquote_to_bytes(rig.proxy.captured[0])
    assert b"DROP" in record and reference.iri.encode() in record
    followers = [urllib.parse.unquote_to_bytes(c) for c in rig.proxy.captured[1:]]
    assert all(b"urn:socle:graph:quality:" in f for f in followers), followers
    if method == "delete":
        assert len(followers) == 1
    after = rig.dump()
    for body in rig.proxy.captured:
        _post_update(oxigraph.base, body)
        _post_update(oxigraph.base, body)
    assert rig.dump() == after


def test_delete_cut_mid_request_keeps_the_record(rig, reference):
    rig.proxy.fault = Fault("cut_request", fraction=0.5)
    assert_503(rig.client.delete(f"/datasets/{reference.id}", headers=rig.headers))
    assert rig.state(reference) == "old"
    rig.proxy.fault = None
    assert rig.client.get(f"/datasets/{reference.id}.ttl").status_code == 200
