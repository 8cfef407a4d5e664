"""Helpers to run the `socle` command line: in process with Click's CliRunner (fast: no
interpreter start, shapes compiled once), or in a real subprocess for the few tests that need
one (`socle serve`, kill -9 mid-import)."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main
from tests import backends
from tests.conftest import REPO, VALID_TTL

CLI = [sys.executable, "-m", "service.cli"]
HEAD, _, DATASET = VALID_TTL.partition("[] a dcat:Dataset")
DATASET = "[] a dcat:Dataset" + DATASET


def env() -> dict[str, str]:
    """The environment of a `socle` subprocess: no SOCLE_* of the caller's but the test
    backend's store."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOCLE_")}
    return {**clean, **backends.subprocess_env(), "PYTHONPATH": str(REPO),
            "PYTHONIOENCODING": "utf-8"}


@dataclass
class Done:
    """What a run gave, shaped like subprocess.CompletedProcess."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def socle(*args: str, data: Path | None = None, check: bool = False, input: str | None = None,
          environ: dict[str, str] | None = None, timeout: float | None = None) -> Done:
    """`socle ARGS [--data DATA]` in this process. The environment is the subprocess one (no
    SOCLE_* but the backend's, plus `environ`); an unexpected exception is printed on stderr
    as a traceback, as the real command would. timeout: accepted for the subprocess form."""
    del timeout
    argv = [*args, *(["--data", str(data)] if data is not None else [])]
    keep = {**backends.subprocess_env(), **(environ or {})}
    changes: dict[str, str | None] = {k: None for k in os.environ
                                      if k.startswith("SOCLE_") and k not in keep}
    changes.update(keep)
    sigterm = signal.getsignal(signal.SIGTERM)  # `socle import` sets its own
    try:
        result = CliRunner().invoke(main, argv, input=input, env=changes, catch_exceptions=True)
    finally:
        signal.signal(signal.SIGTERM, sigterm)
        gc.collect()  # a store a command left open releases its directory lock now
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    done = Done(argv, result.exit_code, result.stdout, stderr)
    if check:
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done


def socle_process(*args: str, data: Path | None = None, check: bool = False,
                  timeout: float = 120, input: str | None = None,
                  environ: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`socle` in a real subprocess (what the in-process form cannot show)."""
    argv = [*CLI, *args, *(["--data", str(data)] if data is not None else [])]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO,
                          env={**env(), **(environ or {})}, input=input, timeout=timeout)
    if check:
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done


def dataset(i: int, *, title: bool = True) -> str:
    """The VALID_TTL dataset with its own identifier (and optionally no title)."""
    text = DATASET.replace('"deliberations-montfort"', f'"jeu-{i:04d}"')
    text = text.replace("Délibérations du conseil municipal", f"Délibérations n°{i}")
    if not title:
        text = text.replace(f'  dct:title "Délibérations n°{i}"@fr ;\n', "")
    return text


def catalogue(n: int, *, untitled: tuple[int, ...] = ()) -> str:
    return HEAD + "\n".join(dataset(i, title=i not in untitled) for i in range(n))


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data directory with the publisher `montfort`."""
    path = tmp_path / "data"
    socle("publisher", "add", "montfort", "--name", "Commune de Montfort-sur-Meu",
          "--siren", "213501882", data=path, check=True)
    return path
