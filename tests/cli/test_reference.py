"""docs/cli.md is the commands' own help: it fails here when a command changed and the page
was not regenerated (`python -m service.cli.reference`)."""

from __future__ import annotations

import pytest

from service.cli.reference import PAGE, render
from tests.conftest import REPO

pytestmark = pytest.mark.embedded_only("no store: the commands' help")


def test_cli_reference_is_current():
    page = (REPO / PAGE).read_text(encoding="utf-8")
    assert page == render(), "docs/cli.md is stale: run python -m service.cli.reference"


def test_reference_lists_every_command():
    page = render()
    for command in ("socle serve", "socle import", "socle publisher delegate",
                    "socle harvest", "socle source add", "socle curator add",
                    "socle territory show", "socle token create"):
        assert f"## `{command}`" in page
