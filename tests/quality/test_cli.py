"""`socle quality FILE|URL` scores without storing; `socle links check` checks the stored
URLs on a real server on 127.0.0.1 (allowed by SOCLE_HARVEST_ALLOW) and rescores."""

from __future__ import annotations

import json
import os
from types import SimpleNamespace

from click.testing import CliRunner

from service.cli import main
from service.quality import keeper
from service.quality.indicators import MAXIMUM
from service.quality.links import results
from service.store import open_store
from tests.cli.conftest import socle as cli_socle
from tests.quality.conftest import FULL_TTL
from tests.quality.server import Answer

OLD = "https://files.montfort.fr/deliberations.csv"


def socle(*args, extra=None):
    """The command line in process, with the test backend's store (store-opening commands)."""
    return cli_socle(*args, environ=extra)


def quality(*args, extra=None):
    """`socle quality` in-process (it opens no store; a subprocess costs seconds)."""
    clean = {k: None for k in os.environ if k.startswith("SOCLE_")}
    result = CliRunner().invoke(main, ["quality", *args], env={**clean, **(extra or {})})
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout,
                           stderr=result.stderr)


def test_quality_scores_a_file_without_storing(tmp_path):
    path = tmp_path / "catalogue.ttl"
    path.write_text(FULL_TTL, encoding="utf-8")
    done = quality(str(path), "--json", extra={"SOCLE_DATA": str(tmp_path / "d")})
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["catalogue"]["score"] == MAXIMUM - 80  # links not checked
    assert [f["id"] for f in body["datasets"][0]["fixes"]] == [
        "accessUrlStatusCode", "downloadUrlStatusCode"]
    assert not (tmp_path / "d").exists()  # nothing stored, no store opened
    text = quality(str(path)).stdout
    assert "Corrigez l'adresse d'accès" in text and "Fix the access URL" in text


def test_quality_checks_links_when_asked(tmp_path, server):
    server.routes["/deliberations.csv"] = Answer()
    path = tmp_path / "catalogue.ttl"
    path.write_text(FULL_TTL.replace(OLD, server.url("/deliberations.csv")), encoding="utf-8")
    refused = json.loads(quality(str(path), "--json", "--check-links").stdout)
    assert refused["catalogue"]["score"] == MAXIMUM - 80  # 127.0.0.1 not allowed
    done = quality(str(path), "--json", "--check-links",
                 extra={"SOCLE_HARVEST_ALLOW": "127.0.0.1"})
    assert json.loads(done.stdout)["catalogue"]["score"] == MAXIMUM, done.stderr


def test_quality_bad_input_exits_non_zero(tmp_path):
    missing = quality(str(tmp_path / "nope.ttl"))
    assert missing.returncode == 2 and "File not found" in missing.stderr
    empty = tmp_path / "empty.ttl"
    empty.write_text("<https://x.fr/a> <https://x.fr/b> <https://x.fr/c> .", encoding="utf-8")
    assert quality(str(empty)).returncode == 2


def test_links_check_keeps_results_and_rescores(tmp_path, server):
    data = str(tmp_path / "data")
    server.routes["/ok.csv"] = Answer()
    body = FULL_TTL.replace(f"dcat:accessURL <{OLD}>", f"dcat:accessURL <{server.url('/ok.csv')}>")
    body = body.replace(f"dcat:downloadURL <{OLD}>",
                        f"dcat:downloadURL <{server.url('/gone.csv')}>")
    path = tmp_path / "one.ttl"
    path.write_text(body, encoding="utf-8")
    base = {"SOCLE_DATA": data}
    assert socle("publisher", "add", "montfort", "--name", "Montfort", "--siren", "213501882",
                 extra=base).returncode == 0
    imported = socle("import", str(path), "--publisher", "montfort", extra=base)
    assert imported.returncode == 0, imported.stderr
    refused = socle("links", "check", "--json", extra=base)
    assert json.loads(refused.stdout)["broken"] == 2  # private address, not allowed
    assert not [p for _m, p, _h in server.log if p != "/robots.txt"]
    done = socle("links", "check", "--publisher", "montfort", extra={
        **base, "SOCLE_HARVEST_ALLOW": "127.0.0.1", "SOCLE_LINKCHECK_MIN_INTERVAL": "0"})
    assert done.returncode == 0, done.stderr
    assert "BROKEN" in done.stdout and "/gone.csv (HTTP 404)" in done.stdout
    store = open_store(data, read_only=True)
    try:
        kept = results.load(store)
        assert kept[server.url("/ok.csv")].ok is True
        gone = kept[server.url("/gone.csv")]
        assert gone.ok is False and gone.status == 404 and gone.broken_since
        (row,) = keeper.stored(store)
        assert row["score"].total == MAXIMUM - 30  # download URL broken, access URL fine
    finally:
        store.close()
    unknown = socle("links", "check", "--publisher", "nobody", extra=base)
    assert unknown.returncode == 2 and "Unknown publisher" in unknown.stderr
