"""`socle curator add`: the operator creates curator accounts; the password never on argv.
In process with Click's CliRunner (the password on standard input)."""

from __future__ import annotations

import json

from tests.cli.conftest import Done, socle


def _run(*args: str, stdin: str = "") -> Done:
    return socle(*args, input=stdin)


def test_curator_add_reads_the_password_from_stdin(tmp_path):
    data = str(tmp_path / "data")
    assert _run("publisher", "add", "montfort", "--name", "Montfort", "--data", data) \
        .returncode == 0
    done = _run("curator", "add", "alice", "--publisher", "montfort", "--data", data,
                stdin="un mot de passe solide\n")
    assert done.returncode == 0, done.stderr
    stored = json.loads((tmp_path / "data" / "socle-curators.json").read_text())
    assert stored["alice"]["publisher"] == "montfort" and stored["alice"]["kdf"] == "scrypt"
    assert "solide" not in json.dumps(stored)
    assert (tmp_path / "data" / "socle-curators.json").stat().st_mode & 0o077 == 0
    listed = _run("curator", "list", "--data", data)
    assert "alice\tmontfort" in listed.stdout


def test_curator_add_errors_are_bilingual_and_nonzero(tmp_path):
    data = str(tmp_path / "data")
    _run("publisher", "add", "montfort", "--name", "Montfort", "--data", data)
    done = _run("curator", "add", "alice", "--publisher", "inconnu", "--data", data,
                stdin="un mot de passe solide\n")
    assert done.returncode != 0 and "Erreur" in done.stderr and "Error" in done.stderr
    done = _run("curator", "add", "alice", "--publisher", "montfort", "--data", data,
                stdin="court\n")
    assert done.returncode != 0 and "trop court" in done.stderr and "too short" in done.stderr
    _run("curator", "add", "alice", "--publisher", "montfort", "--data", data,
         stdin="un mot de passe solide\n")
    again = _run("curator", "add", "alice", "--publisher", "montfort", "--data", data,
                 stdin="un mot de passe solide\n")
    assert again.returncode != 0 and "existe déjà" in again.stderr
