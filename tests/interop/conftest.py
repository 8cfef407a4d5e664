"""Interop tests: the real harvesters of data.gouv.fr (udata) and CKAN (ckanext-dcat) against
the real service, started as a subprocess on 127.0.0.1.

Set-up: ``scripts/interop-setup.sh`` builds the two harvester venvs (``$UDATA_VENV``,
default /tmp/udata-venv; ``$CKAN_VENV``, default /tmp/ckan-venv). When they are missing the
tests FAIL (in CI, ``CI=true``, always); locally ``SOCLE_SKIP_INTEROP=1`` skips them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.interop.catalogue import generate
from tests.serving import wait_until_serving

REPO = Path(__file__).resolve().parents[2]
INTEROP = REPO.parent / "shared" / "interop"
UDATA_PY = Path(os.environ.get("UDATA_VENV", "/tmp/udata-venv")) / "bin" / "python"
CKAN_PY = Path(os.environ.get("CKAN_VENV", "/tmp/ckan-venv")) / "bin" / "python"

PUBLISHER = "interop"
COPIES = 7  # 7 × 31 = 217 generated datasets (3 pages of 100), 248 with the demo
DEMO_COUNT = 31
PAGE_SIZE = 100  # the feed's default
HARVEST_TIMEOUT = 900


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "interop: real harvesters (udata, ckanext-dcat) against the running service")


def _missing() -> list[str]:
    problems = []
    for what, path in (("udata (data.gouv.fr) venv", UDATA_PY), ("CKAN venv", CKAN_PY)):
        if not path.exists():
            problems.append(f"{what}: {path} not found")
    for script in ("udata_harvest.py", "ckan_parse.py"):
        if not (INTEROP / script).exists():
            problems.append(f"harness: {INTEROP / script} not found")
    return problems


@pytest.fixture(scope="session")
def harvesters() -> None:
    """Fail (CI, or by default) or skip (SOCLE_SKIP_INTEROP=1, not in CI) without the venvs."""
    problems = _missing()
    if not problems:
        return
    message = ("interop harvesters missing: " + "; ".join(problems)
               + ". Run scripts/interop-setup.sh (needs PyPI, ~2 min)")
    if os.environ.get("CI", "").lower() != "true" and os.environ.get("SOCLE_SKIP_INTEROP") == "1":
        pytest.skip(message)
    pytest.fail(message + ", or set SOCLE_SKIP_INTEROP=1 to skip locally.", pytrace=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, data: Path, base: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args, "--data", str(data), "--base-url", base],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=True)


@dataclass
class Server:
    base: str
    generated: int
    process: subprocess.Popen = field(repr=False)

    @property
    def total(self) -> int:
        return self.generated + DEMO_COUNT

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.base + path, timeout=60) as r:
            return r.read()


@pytest.fixture(scope="session")
def server(harvesters, tmp_path_factory) -> Server:
    """The demo catalogue plus a generated one for publisher ``interop``, served by
    ``socle serve`` on a free port of 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("interop")
    data, port = tmp / "data", _free_port()
    base = f"http://127.0.0.1:{port}"
    source = tmp / "generated.ttl"
    source.write_text(generate(COPIES), encoding="utf-8")
    _cli("publisher", "add", PUBLISHER, "--name", "Syndicat mixte Interop", "--siren",
         "200000001", data=data, base=base)
    _cli("import", str(source), "--publisher", PUBLISHER, data=data, base=base)
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--demo", "--data", str(data),
         "--port", str(port), "--base-url", base],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    srv = Server(base, COPIES * DEMO_COUNT, proc)
    try:
        wait_until_serving(base, proc, tmp / "serve.log", seconds=90,
                           ready=lambda body: json.loads(body).get("records") == srv.total)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def run_udata(url: str) -> subprocess.Popen:
    return subprocess.Popen([str(UDATA_PY), str(INTEROP / "udata_harvest.py"), url, "--json"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def udata_report(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=HARVEST_TIMEOUT)
    assert proc.returncode == 0, f"udata harvester could not run:\n{out[-3000:]}\n{err[-3000:]}"
    body, _, summary = out.rstrip().rpartition("\nudata-harvest:")
    report = json.loads(body)
    report["summary"] = "udata-harvest:" + summary
    report["stderr"] = err
    return report


@pytest.fixture(scope="session")
def udata(server: Server) -> dict[str, dict]:
    """udata's harvest reports, the harvests run in parallel: the publisher's feed and the
    whole catalogue with ``?profile=datagouv``, and (baseline) the publisher's IRVE datasets
    as served by default (``dcat-ap-3``)."""
    urls = {
        "publisher": f"{server.base}/publishers/{PUBLISHER}/catalog.ttl?profile=datagouv",
        "catalog": f"{server.base}/catalog.ttl?profile=datagouv",
        "baseline": f"{server.base}/publishers/{PUBLISHER}/catalog.ttl?keyword=IRVE",
    }
    procs = {name: run_udata(url) for name, url in urls.items()}
    return {name: udata_report(proc) for name, proc in procs.items()}


@pytest.fixture(scope="session")
def ckan(server: Server, tmp_path_factory) -> dict:
    """ckanext-dcat's parse of the default (dcat-ap-3) whole catalogue."""
    dump = tmp_path_factory.mktemp("ckan") / "datasets.json"
    proc = subprocess.run(
        [str(CKAN_PY), str(INTEROP / "ckan_parse.py"), f"{server.base}/catalog.ttl",
         "--profile", "euro_dcat_ap_3", "--dump-json", str(dump)],
        cwd=REPO, capture_output=True, text=True, timeout=HARVEST_TIMEOUT)
    assert proc.returncode in (0, 1), f"CKAN parser could not run:\n{proc.stdout[-3000:]}" \
                                      f"\n{proc.stderr[-3000:]}"
    summary = proc.stdout.rstrip().rsplit("\n", 1)[-1]
    return {"summary": summary, "stdout": proc.stdout, "returncode": proc.returncode,
            "datasets": json.loads(dump.read_text()) if dump.exists() else []}
