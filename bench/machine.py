"""What every benchmark records about the run: machine, package versions, git state."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def machine(packages: Iterable[str]) -> dict[str, Any]:
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    git: dict[str, Any] = {}
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        git["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                       capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "service"], cwd=REPO,
                               capture_output=True, text=True, timeout=10).stdout.split("\n")
        git["service_uncommitted"] = [line[3:] for line in dirty if line.strip()]
    return {"git": git, "nproc": os.cpu_count(), "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform(),
            "packages": versions,
            "loadavg": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}
