"""Whole backups: `socle backup` while a server writes, `socle restore` of the archive into a
new data directory (same export, working tokens and logins), damaged archives refused before
anything changes, and `socle export`/`restore dump.nq` unchanged."""

from __future__ import annotations

import io
import subprocess
import tarfile

import pytest

from tests.cli.conftest import CLI, HEAD, catalogue, dataset
from tests.conftest import REPO
from tests.ops.conftest import Server, env, get, socle
from tests.ops.test_admin import Load, _login, _post, _token

pytestmark = pytest.mark.slow


def _sorted(text: str) -> list[str]:
    return sorted(text.splitlines())


def _store_nq(archive) -> str:
    with tarfile.open(archive, "r:gz") as tar:
        return tar.extractfile("store.nq").read().decode()


@pytest.fixture
def instance(tmp_path):
    data = tmp_path / "data"
    socle("publisher", "add", "montfort", "--name", "Montfort", data=data, check=True)
    token = _token(socle("token", "create", "--publisher", "montfort", data=data, check=True))
    done = subprocess.run([*CLI, "curator", "add", "alice", "--publisher", "montfort",
                           "--data", str(data)], input="a long password\n", text=True,
                          capture_output=True, cwd=REPO, env=env(), timeout=120)
    assert done.returncode == 0, done.stderr
    (tmp_path / "cat.ttl").write_text(catalogue(5))
    socle("import", str(tmp_path / "cat.ttl"), "--publisher", "montfort", data=data, check=True)
    return data, token


def test_backup_under_write_load_then_restore_elsewhere(tmp_path, instance):
    data, token = instance
    archive = tmp_path / "instance.tar.gz"
    with Server(data) as server, Load(server.url, token) as load:
        done = socle("backup", str(archive), data=data, check=True)
        assert "socle-tokens.json" in done.stdout and "socle-curators.json" in done.stdout
    assert not [s for s in load.statuses if s[1] >= 400]
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    snapshot = _store_nq(archive)
    assert "/datasets/jeu-0004>" in snapshot

    other = tmp_path / "restored"
    restored = socle("restore", str(archive), data=other, check=True)
    assert "restaurés / restored" in restored.stdout
    assert _sorted(socle("export", data=other, check=True).stdout) == _sorted(snapshot)
    for name in ("socle-tokens.json", "socle-curators.json", "socle-secret.key",
                 "socle-instance.json"):
        assert (other / name).read_bytes() == (data / name).read_bytes(), name
    with Server(other) as server:
        assert _post(server.url, token, HEAD + dataset(77)) == 201  # the token still writes
        assert _login(server.url, "alice", "a long password") == 302
        assert get(f"{server.url}/datasets/jeu-0002.ttl")[0] == 200


def test_restore_through_the_running_server(tmp_path, instance):
    data, token = instance
    archive = tmp_path / "before.tar.gz"
    socle("backup", str(archive), data=data, check=True)
    with Server(data) as server:
        assert _post(server.url, token, HEAD + dataset(50)) == 201
        socle("restore", str(archive), data=data, check=True)
        assert get(f"{server.url}/datasets/jeu-0050.ttl")[0] == 404  # back to the backup
        assert get(f"{server.url}/datasets/jeu-0001.ttl")[0] == 200
        _, _, body = get(f"{server.url}/catalog.nt")
        assert "jeu-0050" not in body.decode()
        assert _post(server.url, token, HEAD + dataset(51)) == 201


def _damaged(archive, bad, damage: str) -> None:
    raw = bytearray(archive.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0xFF
        bad.write_bytes(bytes(raw))
    elif damage == "truncate":
        bad.write_bytes(bytes(raw[: len(raw) * 2 // 3]))
    else:
        with tarfile.open(archive, "r:gz") as src, tarfile.open(bad, "w:gz") as dst:
            for info in src:
                content = src.extractfile(info).read()
                if damage == "member" and info.name == "files/socle-tokens.json":
                    content = content.replace(b"montfort", b"intruder")
                if damage == "foreign" and info.name == "manifest.json":
                    content = content.replace(b"socle-backup/1", b"other/9")
                info.size = len(content)
                dst.addfile(info, io.BytesIO(content))


def test_damaged_archives_change_nothing(tmp_path, instance):
    data, _ = instance
    archive = tmp_path / "good.tar.gz"
    socle("backup", str(archive), data=data, check=True)
    other = tmp_path / "target"
    socle("publisher", "add", "p", "--name", "P", data=other, check=True)
    before = socle("export", data=other, check=True).stdout
    identity = (other / "socle-instance.json").read_bytes()
    for damage in ("flip", "truncate", "member", "foreign"):
        bad = tmp_path / f"{damage}.tar.gz"
        _damaged(archive, bad, damage)
        done = socle("restore", str(bad), data=other)
        assert done.returncode == 2, (damage, done.stdout)
        assert "Backup archive refused" in done.stderr and "nothing was changed" in done.stderr
        assert socle("export", data=other, check=True).stdout == before, damage
        assert (other / "socle-instance.json").read_bytes() == identity, damage


def test_export_and_restore_of_a_dump_still_work(tmp_path, instance):
    data, _ = instance
    dump = tmp_path / "dump.nq"
    dump.write_text(socle("export", data=data, check=True).stdout)
    other = tmp_path / "other"
    assert "quads restaurés" in socle("restore", str(dump), data=other, check=True).stdout
    assert _sorted(socle("export", data=other, check=True).stdout) == _sorted(dump.read_text())
