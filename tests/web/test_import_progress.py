"""`socle import` progress: a reading line while the document is parsed, then the bar; in a
pipe, periodic lines; the estimate within 2x of the real remaining time once 10 % is done."""

from __future__ import annotations

import io

import pytest

from service.cli.progress import Estimator, Progress
from tests.cli.conftest import socle
from tests.conftest import VALID_TTL


@pytest.mark.parametrize("startup,batch,per_batch,batches", [
    (2.0, 1024, 3.0, 10),     # worker processes starting, then steady batches
    (0.3, 1024, 1.5, 3),      # a small import: three batches
    (5.0, 256, 0.5, 40),      # slow start, many small batches
    (0.0, 1, 0.01, 500),      # one result at a time
    (2.0, 1, 0.01, 500),      # one at a time after a slow start
])
def test_estimate_within_twice_the_real_remaining_time(startup, batch, per_batch, batches):
    total = batch * batches
    end = startup + per_batch * batches
    est = Estimator(total, 0.0)
    checked = 0
    for k in range(1, batches + 1):
        burst = startup + per_batch * k
        for i in range(batch):
            est.advance(burst + i * 1e-5)
            if i == 0 and est.done >= total * 0.1 and burst < end:  # amid a burst
                left, real = est.remaining(burst), end - burst
                assert left is None or real / 2 <= left <= real * 2, (k, left, real)
        # Just after the burst, and halfway to the next one (stale results).
        for now in (burst + batch * 1e-5 + 0.06, burst + per_batch / 2):
            if est.done >= total * 0.1 and now < end:
                left, real = est.remaining(now), end - now
                assert left is not None and real / 2 <= left <= real * 2, (k, now, left, real)
                checked += 1
    assert checked > 0


def test_progress_lines_in_a_pipe():
    clock = iter(range(1000)).__next__
    out = io.StringIO()
    meter = Progress("Import", file=out, clock=lambda: float(clock()), tty=False)
    meter.every = 1.0
    with meter.reading("catalogue.ttl"):
        pass
    meter.start(4)
    for _ in range(4):
        meter.advance()
    meter.finish()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Import : lecture de catalogue.ttl")
    assert lines[2] == "Import : 4 fiches / records"
    assert any(" 50 %  2/4" in line and "reste ~" in line for line in lines)
    assert lines[-1].startswith("Import : 4 fiches en")


def test_terminal_bar_is_redrawn_in_place():
    clock = iter(range(1000)).__next__
    out = io.StringIO()
    meter = Progress("Import", file=out, clock=lambda: float(clock()), tty=True)
    meter.start(2)
    meter.advance()
    meter.advance()
    meter.finish()
    text = out.getvalue()
    assert "\r" in text and "[" + "#" * 30 + "]" in text and "100 %" in text


def test_import_command_prints_progress_lines(tmp_path):
    """The command in process (standard error not a terminal, as a pipe): the reading line
    comes before the count."""
    records = "\n".join(VALID_TTL.replace("[] a dcat:Dataset", f"<https://x.example/d{i}> a "
                                          "dcat:Dataset").replace('"deliberations-montfort"',
                                                                  f'"d{i}"').split("\n", 4)[4]
                        for i in range(5))
    prefixes = "\n".join(VALID_TTL.splitlines()[:4])
    source = tmp_path / "catalogue.ttl"
    source.write_text(prefixes + "\n" + records, encoding="utf-8")
    environ = {"SOCLE_PROGRESS_INTERVAL": "0"}
    data = tmp_path / "data"
    socle("publisher", "add", "montfort", "--name", "Montfort", data=data, check=True)
    out = socle("import", str(source), "--publisher", "montfort", data=data, environ=environ)
    assert out.returncode == 0, out.stderr
    lines = out.stderr.splitlines()
    assert lines[0] == "Import : lecture de catalogue.ttl… / reading catalogue.ttl…"
    assert lines[2] == "Import : 5 fiches / records"
    assert any("100 %  5/5" in line for line in lines)
    assert "créés/created=5" in out.stdout
