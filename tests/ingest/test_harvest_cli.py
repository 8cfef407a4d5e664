"""The harvester's command line, run in process with Click's CliRunner (real store on disk,
real HTTP source on 127.0.0.1), and once as a real process."""

from __future__ import annotations

import json

import pytest

from bench.harvest_source import pages
from tests.cli import conftest as cli

PATH = "/catalog.ttl"


def _environ(allow: str | None) -> dict[str, str]:
    environ = {"SOCLE_HARVEST_BACKOFF": "0"}
    if allow is not None:
        environ["SOCLE_HARVEST_ALLOW"] = allow
    return environ


def socle(*args, data, allow="127.0.0.1"):
    return cli.socle(*args, data=data, environ=_environ(allow))


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data"
    done = socle("publisher", "add", "montfort", "--name", "Commune de Montfort", data=path)
    assert done.returncode == 0, done.stderr
    return path


def serve(site, items, page_size=2):
    for path, body in pages(site.base, PATH, items, page_size).items():
        site.add(path, body)
    return site.url(f"{PATH}?page=1")


def test_harvest_url_then_report(data, site):
    url = serve(site, list(range(5)))
    done = socle("harvest", url, "--publisher", "montfort", data=data)
    assert done.returncode == 0, done.stderr
    assert "créés/created=5" in done.stdout
    assert "page 3 [" in done.stderr and "5/5" in done.stderr  # progress on stderr
    again = socle("harvest", url, "--publisher", "montfort", "--json", data=data)
    assert again.returncode == 0
    assert json.loads(again.stdout)[0]["counts"]["unchanged"] == 5
    shown = socle("harvest", "--report", url, "--publisher", "montfort", data=data)
    assert "inchangés/unchanged=5" in shown.stdout and "état : terminé" in shown.stdout


def test_harvest_as_a_real_process(data, site):
    """The installed entry point end to end: exit code, summary on stdout, progress on a
    standard error that is a pipe."""
    url = serve(site, list(range(3)))
    done = cli.socle_process("harvest", url, "--publisher", "montfort", data=data,
                             environ=_environ("127.0.0.1"), timeout=180)
    assert done.returncode == 0, done.stderr
    assert "créés/created=3" in done.stdout
    assert "3/3" in done.stderr


def test_loopback_source_refused_without_allow_list(data, site):
    url = serve(site, [0])
    done = socle("harvest", url, "--publisher", "montfort", data=data, allow=None)
    assert done.returncode == 1
    assert "Adresse privée ou locale refusée" in done.stdout
    assert site.log == []
    allowed = socle("harvest", url, "--publisher", "montfort", "--allow-private", data=data,
                    allow=None)
    assert allowed.returncode == 0 and "créés/created=1" in allowed.stdout


def test_allow_private_is_kept_on_the_source_for_harvest_all(data, site):
    """Issue 17 defect 8: the flag given with the URL is stored, so the cron job's
    `harvest --all` is not refused afterwards."""
    url = serve(site, [0])
    first = socle("harvest", url, "--publisher", "montfort", "--allow-private", data=data,
                  allow=None)
    assert first.returncode == 0, first.stdout + first.stderr
    again = socle("harvest", "--all", data=data, allow=None)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Adresse privée ou locale refusée" not in again.stdout


def test_stored_sources_and_harvest_all(data, site):
    url = serve(site, list(range(3)))
    added = socle("source", "add", url, "--publisher", "montfort", "--name", "Portail",
                  "--id", "portail", "--grace-days", "0", data=data)
    assert added.returncode == 0 and "portail" in added.stdout
    dup = socle("source", "add", url, "--publisher", "montfort", data=data)
    assert dup.returncode == 2 and "déjà une source" in dup.stderr
    listed = socle("source", "list", data=data)
    assert listed.stdout.startswith("portail\tmontfort\t" + url + "\tPortail\t-")
    assert socle("harvest", "--all", data=data).returncode == 0
    serve(site, [0, 1], page_size=5)
    done = socle("harvest", "--all", data=data)
    assert "retirés/withdrawn=1" in done.stdout
    shown = socle("source", "show", "portail", data=data)
    assert "grace days: 0" in shown.stdout and "[withdrawn]" in shown.stdout
    removed = socle("source", "remove", "portail", data=data)
    assert removed.returncode == 0
    assert socle("source", "list", data=data).stdout == ""


def test_failed_records_exit_1_with_french_then_english_reasons(data, site):
    body = pages(site.base, PATH, [0, 1], 5)[f"{PATH}?page=1"]
    url = site.add(f"{PATH}?page=1", body.replace('dct:title "Délibérations n°1"@fr ;', ""))
    done = socle("harvest", url, "--publisher", "montfort", "--policy", "strict", data=data)
    assert done.returncode == 1
    assert "échecs/failed=1" in done.stdout
    fr = done.stdout.index("fr: Le jeu de données a")
    assert fr < done.stdout.index("en: The dataset has")


def test_by_default_invalid_records_are_quarantined_with_their_fixes(data, site):
    body = pages(site.base, PATH, [0, 1], 5)[f"{PATH}?page=1"]
    url = site.add(f"{PATH}?page=1", body.replace('dct:title "Délibérations n°1"@fr ;', ""))
    done = socle("harvest", url, "--publisher", "montfort", data=data)
    assert done.returncode == 0, done.stdout + done.stderr  # kept: not a failure for cron
    assert "en quarantaine/quarantined=1" in done.stdout and "échecs/failed=0" in done.stdout
    assert "[quarantined]" in done.stdout and "Ajoutez un titre" in done.stdout
    again = socle("harvest", url, "--publisher", "montfort", data=data)
    assert "en quarantaine/quarantined=1" in again.stdout  # re-checked by the next run
    shown = socle("source", "list", data=data)
    assert shown.returncode == 0
    bad = socle("harvest", url, "--publisher", "montfort", "--policy", "lenient", data=data)
    assert bad.returncode == 2


def test_usage_errors(data):
    assert socle("harvest", data=data).returncode == 2
    no_pub = socle("harvest", "http://127.0.0.1:9/x.ttl", data=data)
    assert no_pub.returncode == 2 and "--publisher" in no_pub.stderr
    unknown = socle("harvest", "--source", "nope", data=data)
    assert unknown.returncode == 2 and "Aucune source" in unknown.stderr
