"""A JavaScript client (sparql-http-client, Node.js) against a real `socle serve`: SELECT, ASK,
CONSTRUCT. Install it with scripts/npm-setup.sh; without it the test is skipped, or fails in CI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.sparql.test_clients import server  # noqa: F401 - the real-server fixture

pytestmark = pytest.mark.slow
JS = Path(__file__).parent / "js"
DCAT_DATASET = "http://www.w3.org/ns/dcat#Dataset"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture
def node() -> str:
    """Checked before the server starts (fixtures run in argument order)."""
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "node (Node.js) is not installed"
    elif not (JS / "node_modules" / "sparql-http-client").is_dir():
        missing = f"{JS / 'node_modules'} is missing: run scripts/npm-setup.sh"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"JS SPARQL client unavailable under CI: {missing}")
        pytest.skip(missing)
    return node


def test_sparql_http_client_select_ask_construct(node, server):  # noqa: F811
    done = subprocess.run([node, "client.mjs", server + "/sparql"], cwd=JS, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert len(out["select"]) == 5
    assert all(row["d"]["termType"] == "NamedNode" for row in out["select"])
    assert [row["d"]["value"] for row in out["select"]] == sorted(
        row["d"]["value"] for row in out["select"])
    assert out["ask"] == [True, False]
    assert len(out["construct"]) == 3
    assert all(p == RDF_TYPE and o == DCAT_DATASET for _, p, o in out["construct"])
