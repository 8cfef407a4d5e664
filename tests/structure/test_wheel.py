"""The built wheel carries what the service needs (shapes, vocabularies, templates): installed
into a fresh virtual environment, away from the checkout, `socle validate` works on a file.

The wheel is built as pip builds it for anyone (isolated build, setuptools from the index, as
the Dockerfile does) and installed without its dependencies; the fresh venv sees the test
venv's site-packages for those (rdflib, pyshacl, ...) through a .pth line, which does not run
the editable install's hook, so the `service` imported there is the wheel's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO, VALID_TTL


@pytest.mark.slow
def test_wheel_installs_and_validates(tmp_path: Path):
    source = tmp_path / "src"  # a copy: building writes build/ and *.egg-info beside the code
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "*.egg-info", "__pycache__", "test-artifacts", ".stores",
        "node_modules", ".mypy_cache", ".ruff_cache", "socle-data", "bench", "tests", "docs"))
    wheels = tmp_path / "wheels"
    # Children get an environment without PYTHONPATH or SOCLE_*: with the checkout on the
    # path, pip sees the editable install as "already installed" and installs nothing.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("SOCLE_") and k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(source)], check=True, capture_output=True, timeout=300, env=clean)
    wheel = next(wheels.glob("socle_dcat-*.whl"))

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(env_dir),
                                                    "platbase": str(env_dir)}))
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--no-index", "--force-reinstall", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300, env=clean)

    good = tmp_path / "good.ttl"
    good.write_text(VALID_TTL, encoding="utf-8")
    where = subprocess.run([str(python), "-c", "import service; print(service.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=clean)
    assert where.returncode == 0, where.stderr
    assert where.stdout.startswith(str(env_dir)), where.stdout  # the wheel, not the checkout
    done = subprocess.run([str(env_dir / "bin" / "socle"), "validate", str(good)],
                          capture_output=True, text=True, cwd=tmp_path, env=clean, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "erreurs/violations=0" in done.stdout
    bad = tmp_path / "bad.ttl"
    bad.write_text(VALID_TTL.replace("dct:title", "dct:alternative"), encoding="utf-8")
    refused = subprocess.run([str(env_dir / "bin" / "socle"), "validate", str(bad)],
                             capture_output=True, text=True, cwd=tmp_path, env=clean,
                             timeout=300)
    assert refused.returncode == 1 and "[Violation]" in refused.stdout, refused.stdout
