"""Administration while serving: every writing command, run through the real CLI while a real
`socle serve` holds the embedded store and answers reads and writes, goes through the server's
admin socket; nothing is lost and the server never restarts. SIGTERM stops it cleanly."""

from __future__ import annotations

import contextlib
import re
import signal
import stat
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from tests.cli.conftest import HEAD, catalogue, dataset
from tests.conftest import REPO
from tests.ops.conftest import Server, env, get, socle

pytestmark = pytest.mark.slow


def _post(url: str, token: str, body: str) -> int:
    request = urllib.request.Request(f"{url}/datasets", data=body.encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "text/turtle"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


class Load:
    """Readers and one writer hitting the server until stopped (bounded: at most 300 writes
    and 120 s)."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.stop = threading.Event()
        self.statuses: list[tuple[str, int]] = []
        self.written: list[str] = []
        self.threads = [threading.Thread(target=self._read, daemon=True) for _ in range(2)]
        self.threads.append(threading.Thread(target=self._write, daemon=True))
        self.deadline = time.monotonic() + 120

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def _read(self) -> None:
        paths = ["/catalog.ttl", "/datasets?limit=5", "/health", "/"]
        i = 0
        while not self.stop.is_set() and time.monotonic() < self.deadline:
            path = paths[i % len(paths)]
            self.statuses.append((path, get(self.url + path)[0]))
            i += 1

    def _write(self) -> None:
        i = 1000
        while not self.stop.is_set() and time.monotonic() < self.deadline and i < 1300:
            status = _post(self.url, self.token, HEAD + dataset(i))
            self.statuses.append(("POST", status))
            if status == 201:
                self.written.append(f"jeu-{i:04d}")
            i += 1

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def _token(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout.strip().splitlines()[-1]


def test_every_admin_command_while_serving_under_load(tmp_path):
    data = tmp_path / "data"
    socle("publisher", "add", "montfort", "--name", "Montfort", "--siren", "213501882",
          data=data, check=True)
    token = _token(socle("token", "create", "--publisher", "montfort", data=data, check=True))
    (tmp_path / "cat.ttl").write_text(catalogue(8))
    with Server(data) as server, Load(server.url, token) as load:
        pid = server.proc.pid
        sock = data / "socle-admin.sock"
        assert stat.S_IMODE(sock.stat().st_mode) == 0o600

        socle("publisher", "add", "iffendic", "--name", "Iffendic", data=data, check=True)
        other = _token(socle("token", "create", "--publisher", "iffendic", data=data,
                             check=True))
        assert _post(server.url, other, HEAD + dataset(1).replace("jeu-0001", "iff-1")) == 201
        done = subprocess.run([*_cli(), "curator", "add", "alice", "--publisher", "montfort",
                               "--data", str(data)], input="a long password\n", text=True,
                              capture_output=True, cwd=REPO, env=env(), timeout=120)
        assert done.returncode == 0, done.stderr
        assert "alice\tmontfort" in socle("curator", "list", data=data, check=True).stdout
        socle("publisher", "set-profile", "iffendic", "datagouv", data=data, check=True)
        socle("source", "add", "https://data.example.org/dcat.ttl", "--publisher", "montfort",
              data=data, check=True)
        assert "data.example.org" in socle("source", "list", data=data, check=True).stdout
        socle("territory", "exempt", "213501885", "--reason", "moins de 50 agents",
              data=data, check=True)
        # a relative file name, from the client's own working directory
        imported = subprocess.run([*_cli(), "import", "cat.ttl", "--publisher", "montfort",
                                   "--data", str(data)], capture_output=True, text=True,
                                  cwd=tmp_path, env=env(), timeout=300)
        assert imported.returncode == 0, imported.stderr
        assert socle("validate", "--all", data=data).returncode in (0, 1)
        # a harvest of a catalogue served on 127.0.0.1 (a private address: allowed per source)
        site = tmp_path / "site"
        site.mkdir()
        (site / "dcat.ttl").write_text(catalogue(3).replace("jeu-", "moisson-"))
        with _static_site(site) as site_url:
            added = socle("source", "add", f"{site_url}/dcat.ttl", "--publisher", "iffendic",
                          "--allow-private", data=data, check=True)
            source_id = added.stdout.strip().rsplit(" ", 1)[-1]
            # only this source: the other one is not on this machine and is never fetched
            harvested = socle("harvest", "--source", source_id, data=data, timeout=300)
            assert harvested.returncode == 0, harvested.stderr
        assert get(f"{server.url}/datasets/moisson-0002.ttl")[0] == 200
        refused = socle("rebase", "https://x.example", data=data)
        assert refused.returncode == 2 and "stop the server" in refused.stderr
        acknowledged = list(load.written)  # 201 received before the export started
        dump = socle("export", data=data, check=True).stdout
        assert server.proc.poll() is None and server.proc.pid == pid  # never restarted

    assert load.statuses and load.written
    bad = [s for s in load.statuses if s[1] >= 400]
    assert not bad, bad[:5]
    for record in ("jeu-0000", "jeu-0007", "iff-1", *acknowledged):
        assert f"/datasets/{record}>" in dump, record
    assert '"datagouv"' in dump
    with Server(data) as again:  # what the load wrote is all there after a restart too
        for record in load.written:
            assert get(f"{again.url}/datasets/{record}.ttl")[0] == 200, record
        login = _login(again.url, "alice", "a long password")
        assert login == 302


@contextlib.contextmanager
def _static_site(root):
    """A static HTTP server of `root` on 127.0.0.1 (the harvest source)."""
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _cli() -> list[str]:
    from tests.cli.conftest import CLI

    return list(CLI)


def _login(url: str, login: str, password: str) -> int:
    import http.cookiejar

    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    html = opener.open(f"{url}/login", timeout=30).read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"login": login, "password": password,
                                   "csrf_token": csrf}).encode()
    try:
        return opener.open(f"{url}/login", data=body, timeout=30).status
    except urllib.error.HTTPError as err:
        return err.code


def test_sigterm_stops_the_server_cleanly(tmp_path):
    data = tmp_path / "data"
    socle("publisher", "add", "montfort", "--name", "Montfort", data=data, check=True)
    token = _token(socle("token", "create", "--publisher", "montfort", data=data, check=True))
    with Server(data) as server:
        assert _post(server.url, token, HEAD + dataset(5)) == 201
        started = time.monotonic()
        code = server.stop(signal.SIGTERM, timeout=30)
        took = time.monotonic() - started
    assert code == 0, server.output()
    print(f"SIGTERM to exit: {took:.2f} s")
    assert not (data / "socle-admin.sock").exists()
    assert "jeu-0005" in socle("export", data=data, check=True).stdout
