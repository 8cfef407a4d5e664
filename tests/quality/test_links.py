"""The link checker against real servers on 127.0.0.1 (allowed explicitly, as an operator
would allow one internal host): statuses, redirects, private addresses, timeouts, huge bodies,
robots.txt, per-host limits."""

from __future__ import annotations

import pytest

from service.ingest.harvest.policy import Policy
from service.quality.links.checker import CheckSettings, LinkChecker
from tests.quality.server import Answer

POLICY = Policy.from_text("127.0.0.1")
FAST = CheckSettings(timeout=2.0, min_interval=0.0)


def check(server, path, settings=FAST):
    return LinkChecker(POLICY, settings).check(server.url(path))


def test_ok_head_only(server):
    server.routes["/ok.csv"] = Answer(size=1234)
    result = check(server, "/ok.csv")
    assert (result.ok, result.status, result.content_type, result.content_length) == (
        True, 200, "text/csv", 1234)
    assert server.requested("/ok.csv") == ["HEAD"]
    agent = next(h for m, p, h in server.log if p == "/ok.csv")["User-Agent"]
    assert "Socle" in agent


@pytest.mark.parametrize("status", [404, 500])
def test_errors_are_broken(server, status):
    server.routes["/x"] = Answer(status=status)
    result = check(server, "/x")
    assert result.ok is False and result.status == status


def test_redirect_chain_is_followed(server):
    server.routes["/a"] = Answer(status=301, location="/b")
    server.routes["/b"] = Answer(status=302, location=server.url("/c"))
    server.routes["/c"] = Answer(status=307, location="/final.csv")
    server.routes["/final.csv"] = Answer()
    result = check(server, "/a")
    assert result.ok is True and result.final_url == server.url("/final.csv")


def test_redirect_loop_stops(server):
    server.routes["/loop"] = Answer(status=302, location="/loop")
    result = check(server, "/loop")
    assert result.ok is False and "redirects" in result.error
    assert len(server.requested("/loop")) == FAST.max_redirects + 1


@pytest.mark.parametrize("target", ["http://10.1.2.3/secret", "http://127.0.0.2:9/admin",
                                    "http://[::1]/"])
def test_redirect_to_private_address_is_refused(server, target):
    server.routes["/leak"] = Answer(status=302, location=target)
    result = check(server, "/leak")
    assert result.ok is False and result.error.startswith("refused")
    assert result.final_url == target


def test_private_address_refused_without_allow(server):
    server.routes["/ok"] = Answer()
    result = LinkChecker(Policy(), FAST).check(server.url("/ok"))
    assert result.ok is False and result.error.startswith("refused")
    assert server.log == []  # not even robots.txt was asked


def test_slow_server_times_out(server):
    server.routes["/slow"] = Answer(delay=3.0)
    result = check(server, "/slow", CheckSettings(timeout=0.3, min_interval=0.0))
    assert result.ok is False and result.status is None and "timeout" in result.error


def test_head_refused_falls_back_to_one_byte_get_and_never_downloads_the_body(server):
    size = 2 * 1024 ** 3
    server.routes["/huge.zip"] = Answer(size=size, head_status=405, content_type="application/zip")
    result = check(server, "/huge.zip")
    assert result.ok is True and result.status == 200 and result.content_length == size
    assert server.requested("/huge.zip") == ["HEAD", "GET"]
    get = [h for m, p, h in server.log if p == "/huge.zip" and m == "GET"][0]
    assert get["Range"] == "bytes=0-0"
    assert server.sent < 64 * 1024 * 1024  # socket buffers at most, never the 2 GiB


def test_robots_txt_is_obeyed(server):
    server.routes["/robots.txt"] = Answer(
        body=b"User-agent: Socle-LinkChecker\nDisallow: /private/\n", content_type="text/plain")
    server.routes["/private/data.csv"] = Answer()
    server.routes["/public/data.csv"] = Answer()
    checker = LinkChecker(POLICY, FAST)
    blocked = checker.check(server.url("/private/data.csv"))
    allowed = checker.check(server.url("/public/data.csv"))
    assert blocked.ok is None and blocked.error == "robots.txt"
    assert server.requested("/private/data.csv") == []
    assert allowed.ok is True
    assert server.requested("/robots.txt") == ["GET"]  # once per host


def test_per_host_limits_are_respected(server):
    for n in range(12):
        server.routes[f"/f{n}"] = Answer(delay=0.1)
    checker = LinkChecker(POLICY, CheckSettings(timeout=2.0, per_host=2, min_interval=0.0,
                                                workers=8, robots=False))
    results = list(checker.check_all(server.url(f"/f{n}") for n in range(12)))
    assert all(r.ok for r in results) and len(results) == 12
    assert server.max_active <= 2 and checker.max_seen["127.0.0.1"] <= 2
