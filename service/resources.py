"""Where the package's own data lives: the SHACL shapes and the vocabularies ship inside the
`service` package (a wheel carries them), found with importlib.resources rather than by
walking up from the source tree. The repository's top-level `shapes/` and `vocab/` are links
to these directories, for the scripts that rebuild them."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _directory(name: str) -> Path:
    found = files("service").joinpath(name)
    # Installed packages are plain directories (wheels are unpacked): a Path is what the
    # loaders and worker processes need.
    path = Path(str(found))
    if not path.is_dir():
        raise FileNotFoundError(f"package data directory missing: {path}")
    return path


SHAPES_DIR = _directory("shapes")
VOCAB_DIR = _directory("vocab")
