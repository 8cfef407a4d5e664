"""The import structure of `service` (scripts/check_imports.py, also run by scripts/test.sh):
no circles, no module importing a layer above its own; and the checker itself finds both."""

from __future__ import annotations

import importlib.util

from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("check_imports", REPO / "scripts/check_imports.py")
assert spec and spec.loader
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def test_service_has_no_circle_and_no_upward_import(capsys):
    assert check.main([]) == 0, capsys.readouterr().out


def test_the_checker_sees_circles_and_upward_imports():
    edges = {"service.store.base": {"service.catalog.records": 3},
             "service.catalog.records": {"service.store.base": 1}}
    assert check.cycles(edges) == [["service.catalog.records", "service.store.base"]]
    assert check.upward(edges) == [
        "service.store.base:3 imports service.catalog.records (layer 2 → 4)"]


def test_views_do_not_import_the_app_factory():
    edges = check.graph()
    importers = sorted(m for m, targets in edges.items() if "service.app" in targets)
    assert importers == ["service.cli.serve"], importers
