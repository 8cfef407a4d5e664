"""Schemathesis (property-based, from the OpenAPI description) against a real `socle serve`:
no answer is a 5xx, and every status, media type and JSON body conforms to the description.
Five examples per operation by default (about ten seconds); SOCLE_SCHEMATHESIS_EXAMPLES=N for a
longer run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import catalogue
from tests.ops.conftest import Server, env, free_port, socle
from tests.ops.test_admin import _token

pytestmark = pytest.mark.slow
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance")


def test_schemathesis_finds_no_5xx_and_no_mismatch(tmp_path):
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st")
    assert st, "schemathesis is a test dependency (pyproject [test])"
    data = tmp_path / "data"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    socle("publisher", "add", "montfort", "--name", "Montfort", "--base-url", base, data=data,
          check=True)
    token = _token(socle("token", "create", "--publisher", "montfort", data=data, check=True))
    (tmp_path / "cat.ttl").write_text(catalogue(3))
    socle("import", str(tmp_path / "cat.ttl"), "--publisher", "montfort", data=data, check=True)
    examples = os.environ.get("SOCLE_SCHEMATHESIS_EXAMPLES", "5")
    with Server(data, port=port) as server:
        done = subprocess.run(
            [st, "run", f"{server.url}/openapi.json", "--checks", CHECKS, "-n", examples,
             "--seed", "20241205", "-H", f"Authorization: Bearer {token}"],
            capture_output=True, text=True, timeout=600, env=env(), cwd=tmp_path)
        print(done.stdout[-1500:])
        assert done.returncode == 0, done.stdout[-5000:]
        assert server.proc.poll() is None
