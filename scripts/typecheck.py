"""mypy over `service` (settings in pyproject.toml: strict on store, rdf, validation, catalog),
with an allowlist of modules whose errors are tolerated for now: scripts/mypy-allowlist.txt.

    python scripts/typecheck.py            # exit 1 on an error outside the allowlist, or on
                                           # an allowlisted module that has become clean
    python scripts/typecheck.py --update   # rewrite the allowlist (only ever shrink it)

The allowlist only shrinks: a module leaves it as soon as it is clean (the check says so), a
module may not gain errors (the number after `#` is its ceiling; --update lowers it), and an
error anywhere else fails."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWLIST = ROOT / "scripts" / "mypy-allowlist.txt"
_ERROR = re.compile(r"^(service/[\w/]+)\.py:\d+: error:")


def module_of(path: str) -> str:
    return path.removesuffix("/__init__").replace("/", ".")


def errors() -> tuple[Counter[str], str]:
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stdout + done.stderr)
    counts: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        match = _ERROR.match(line)
        if match:
            counts[module_of(match.group(1))] += 1
    return counts, done.stdout


def allowed() -> dict[str, int]:
    """module -> how many errors it may have at most (the number after `#`)."""
    lines = ALLOWLIST.read_text(encoding="utf-8").splitlines() if ALLOWLIST.exists() else []
    out = {}
    for line in lines:
        module, _, count = line.partition("#")
        if module.strip():
            out[module.strip()] = int(count.strip() or 0)
    return out


def main(argv: list[str]) -> int:
    counts, output = errors()
    if "--update" in argv:
        kept = sorted(set(counts) & set(allowed())) if ALLOWLIST.exists() else sorted(counts)
        ALLOWLIST.write_text(
            "# Modules whose mypy errors are tolerated for now (scripts/typecheck.py).\n"
            "# This list only shrinks: fix a module, then remove its line.\n"
            + "".join(f"{m}  # {counts[m]}\n" for m in kept), encoding="utf-8")
        return 0
    allow = allowed()
    bad = [line for line in output.splitlines()
           if (m := _ERROR.match(line)) and module_of(m.group(1)) not in allow]
    clean = sorted(set(allow) - set(counts))
    grown = sorted(m for m in counts if m in allow and counts[m] > allow[m])
    for line in bad:
        print(line)
    for module in grown:
        print(f"{module}: {counts[module]} mypy errors, the allowlist says at most "
              f"{allow[module]}")
        print("\n".join(line for line in output.splitlines()
                        if line.startswith(module.replace(".", "/"))))
    for module in clean:
        print(f"{module}: no mypy error left, remove it from {ALLOWLIST.name}")
    print(f"mypy: {sum(counts.values())} error(s) in {len(counts)} allowlisted module(s); "
          f"{len(bad)} outside the allowlist", file=sys.stderr)
    return 1 if bad or clean or grown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
