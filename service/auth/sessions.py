"""Server-side curator sessions: the signed cookie names a session that must still exist.

Flask's cookie is signed but stateless: a copy of it would stay valid after logout. Each login
therefore opens a session (a random id) kept in `<data>/socle-sessions.json` (mode 600, beside
the curator accounts, shared by every app process); the cookie carries its id, logout deletes
it, and sessions older than `MAX_AGE` are refused and pruned. A store without a directory keeps
them in memory.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from service.auth.jsonfile import DataFiles, JsonFile

SESSIONS_FILE = "socle-sessions.json"
MAX_AGE = 7 * 24 * 3600.0


def _sessions(files: DataFiles) -> JsonFile:
    """Beside the tokens and curators, in the process's `DataFiles` (`Services.files`)."""
    return files.file(SESSIONS_FILE)[0]


def _expired(_: str, entry: dict[str, Any]) -> bool:
    return time.time() - float(entry.get("created", 0)) > MAX_AGE


def open_session(files: DataFiles, login: str) -> str:
    """A new session id for `login` (expired sessions are pruned on the way)."""
    sid = secrets.token_urlsafe(32)
    _sessions(files).put({sid: {"login": login, "created": time.time()}}, drop=_expired)
    return sid


def session_login(files: DataFiles, sid: str | None) -> str | None:
    """The login of a live session; None when it was closed, expired or never existed."""
    if not sid:
        return None
    entry = _sessions(files).entries().get(sid)
    if entry is None or _expired(sid, entry):
        return None
    return str(entry["login"])


def close_session(files: DataFiles, sid: str | None) -> None:
    if sid:
        _sessions(files).put({}, drop=lambda key, entry: key == sid or _expired(key, entry))


def close_sessions_of(files: DataFiles, login: str) -> None:
    """Log a curator out everywhere (password reset, account removed)."""
    _sessions(files).put({}, drop=lambda _, entry: entry.get("login") == login)
