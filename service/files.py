"""The data directory is private: the store's files, tokens and keys are for the service only.

RocksDB creates its files with the process umask (0644 under the usual 022), in a directory
made with 0755: anyone on the machine could read every record, draft and token hash. The data
directory is made (or tightened to) 0700, and the CLI runs with umask 077 so that what it
creates later (new SST files, backups) is 0600.
"""

from __future__ import annotations

import contextlib
import os
import stat

PRIVATE_UMASK = 0o077


def private_dir(path: str) -> None:
    """Create `path` as 0700, or remove group/other access from it if it is ours."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    info = os.stat(path)
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)


def private_umask() -> None:
    os.umask(PRIVATE_UMASK)
