"""Helpers to run the real `socle` command line in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import backends
from tests.conftest import REPO, VALID_TTL

CLI = [sys.executable, "-m", "service.cli"]
HEAD, _, DATASET = VALID_TTL.partition("[] a dcat:Dataset")
DATASET = "[] a dcat:Dataset" + DATASET


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOCLE_")}
    return {**clean, **backends.subprocess_env(), "PYTHONPATH": str(REPO),
            "PYTHONIOENCODING": "utf-8"}


def socle(*args: str, data: Path | None = None, check: bool = False,
          timeout: float = 120) -> subprocess.CompletedProcess[str]:
    argv = [*CLI, *args, *(["--data", str(data)] if data is not None else [])]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO, env=env(),
                          timeout=timeout)
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
