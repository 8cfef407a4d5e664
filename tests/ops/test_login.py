"""Logins: one scrypt whether the account exists or not, sessions that end at logout,
throttling per account and per address with a logged event."""

from __future__ import annotations

import hashlib
import json
import logging
import re

import pytest

from service.auth.curators import add_curator, authenticate
from service.ops.logs import JsonFormatter
from service.ops.throttle import SlidingWindow

PASSWORD = "correct horse battery"


@pytest.fixture
def curator(svc, publisher):
    return add_curator(svc.files, publisher, "alice", PASSWORD)


def _csrf(client) -> str:
    html = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(client, login: str, password: str):
    return client.post("/login", data={"login": login, "password": password,
                                       "csrf_token": _csrf(client)})


def test_unknown_and_known_logins_cost_one_scrypt_each(svc, curator, monkeypatch):
    calls = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    authenticate(svc.files, "nobody", "whatever-password")  # warms the decoy once
    for login in ("nobody", "someone-else", "alice"):
        calls.clear()
        assert authenticate(svc.files, login, "wrong password") is None
        assert len(calls) == 1, login


def test_session_cookie_is_dead_after_logout(app, client, curator):
    assert _login(client, "alice", PASSWORD).status_code == 302
    cookie = client.get_cookie("socle_session").value
    assert client.get("/curator/").status_code == 200
    page = client.get("/curator/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("socle_session", cookie)
    r = replay.get("/curator/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_throttled_per_account_with_logged_events(client, curator, caplog):
    with caplog.at_level(logging.INFO, logger="socle.events"):
        for _ in range(5):
            assert _login(client, "alice", "wrong password!").status_code == 401
        r = _login(client, "alice", PASSWORD)  # right password, but too many failures
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert "Trop d&#39;essais" in r.get_data(as_text=True)
        assert _login(client, "bob", "wrong password!").status_code == 401  # other account
    events = [json.loads(JsonFormatter().format(rec)) for rec in caplog.records
              if rec.name == "socle.events"]
    kinds = [e["event"] for e in events]
    assert kinds == ["login_failed"] * 5 + ["login_throttled", "login_failed"]
    assert events[0]["login"] == "alice" and events[0]["client"] == "127.0.0.1"
    assert all(PASSWORD not in json.dumps(e) and "wrong password" not in json.dumps(e)
               for e in events)


def test_throttled_per_address(client, curator):
    for i in range(20):
        assert _login(client, f"user{i}", "wrong password!").status_code == 401
    assert _login(client, "alice", PASSWORD).status_code == 429


def test_success_clears_the_account_count(client, curator):
    for _ in range(4):
        _login(client, "alice", "wrong password!")
    assert _login(client, "alice", PASSWORD).status_code == 302
    for _ in range(4):
        assert _login(client, "alice", "wrong password!").status_code == 401


def test_window_slides():
    now = [0.0]
    window = SlidingWindow(2, 60, clock=lambda: now[0])
    window.fail("k")
    now[0] = 30
    window.fail("k")
    assert window.retry_after("k") == 30
    now[0] = 61
    assert window.retry_after("k") == 0
