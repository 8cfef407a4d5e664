"""The data directory's files are written by several processes at once (several app processes,
or an operator's CLI beside them: docs/scaling.md): no entry may be lost."""

from __future__ import annotations

import json
import subprocess
import sys

from service.config import REPO_ROOT

WRITER = """
import sys
from service.auth.jsonfile import JsonFile
folder, who = sys.argv[1], sys.argv[2]
tokens = JsonFile(folder + "/socle-tokens.json")
accounts = JsonFile(folder + "/socle-curators.json")
for n in range(25):
    tokens.put({f"{who}-{n}": {"publisher": who, "created": ""}})
    accounts.put({f"{who}-{n}": {"publisher": who}})
"""


def test_concurrent_writers_lose_no_entry(tmp_path):
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), f"p{i}"],
                                cwd=REPO_ROOT) for i in range(4)]
    assert [w.wait(timeout=120) for w in writers] == [0] * 4
    expected = {f"p{i}-{n}" for i in range(4) for n in range(25)}
    assert set(json.loads((tmp_path / "socle-tokens.json").read_text())) == expected
    assert set(json.loads((tmp_path / "socle-curators.json").read_text())) == expected
