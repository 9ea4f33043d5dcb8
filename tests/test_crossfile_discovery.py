"""Names across modules: view bases and routers defined in other project files.

The frameworks are not installed in the test environment (as in pre-commit's
isolated env): everything is resolved from the project's own files, without the
project on ``sys.path`` (the ``flake8`` command does not put it there; the plugin
shows astroid the project's roots itself).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, cli, expected_endpoints, flake8, project_endpoints

PROJECT = FIXTURES / "projects" / "crossfile"
ANNOTATED = sorted(path for path in PROJECT.rglob("*.py") if expected_endpoints(path))


def _found(output: str, pattern: str) -> set[tuple[str, int, str, str]]:
    found = set()
    for line in output.splitlines():
        match = re.match(pattern, line)
        assert match, line
        found.add((match["file"].removeprefix("./"), int(match["line"]), match["method"], match["path"]))
    return found


@pytest.fixture
def astroid_builds(monkeypatch) -> list[str]:
    """The project's modules astroid builds from source, in order (the plugin's only use of astroid)."""
    from astroid.builder import AstroidBuilder

    built: list[str] = []
    string_build = AstroidBuilder.string_build

    def counting(self, data, modname="", path=None):
        if path and Path(path).is_relative_to(PROJECT):
            built.append(modname)
        return string_build(self, data, modname, path)

    monkeypatch.setattr(AstroidBuilder, "string_build", counting)
    return built


def test_frameworks_are_not_installed_here():
    assert all(importlib.util.find_spec(name) is None for name in ("rest_framework", "fastapi"))


def test_inventory_resolves_bases_and_routers_from_other_modules():
    result = cli("endpoints", cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    pattern = r"^(?P<file>\S+):(?P<line>\d+) (?P<method>\S+) (?P<path>\S+) \S+ \S+$"
    assert _found(result.stdout, pattern) == project_endpoints(PROJECT, ANNOTATED)


def test_flake8_resolves_the_same():
    result = flake8("--isolated", "--select=IDM000", "--idm-show-endpoints", ".", cwd=PROJECT)
    assert result.stderr == ""
    pattern = r"^(?P<file>\S+):(?P<line>\d+):\d+: IDM000 endpoint (?P<method>\S+) (?P<path>\S+) .*$"
    assert _found(result.stdout, pattern) == project_endpoints(PROJECT, ANNOTATED)


def _endpoints_of(path: str) -> list[str]:
    result = flake8("--isolated", "--select=IDM000", "--idm-show-endpoints", path, cwd=PROJECT)
    assert result.stderr == ""
    return result.stdout.splitlines()


def test_plain_imports_resolve_without_astroid(astroid_builds):
    assert "orders/views.py:11:5: IDM000 endpoint DELETE ? drf OrderViewSet.destroy" in _endpoints_of("orders/views.py")
    assert astroid_builds == []


def test_import_star_is_followed_without_astroid(astroid_builds):
    assert _endpoints_of("orders/notes.py") == ["orders/notes.py:6:5: IDM000 endpoint DELETE ? drf NoteView.delete"]
    assert astroid_builds == []


def test_astroid_resolves_import_star_of_a_computed_all(astroid_builds):
    endpoints = _endpoints_of("orders/legacy_notes.py")
    assert endpoints == ["orders/legacy_notes.py:6:5: IDM000 endpoint DELETE ? drf LegacyNoteView.delete"]
    assert astroid_builds == ["legacy"]


CONNEXION = FIXTURES / "projects" / "connexion"


def test_connexion_operations_come_from_the_openapi_spec():
    expected = {
        (path.relative_to(CONNEXION).as_posix(), line, method, route)
        for path in sorted(CONNEXION.rglob("*.py"))
        for line, method, route in expected_endpoints(path)
    }
    assert len(expected) == 4
    result = flake8("--isolated", "--select=IDM000", "--idm-show-endpoints", ".", cwd=CONNEXION)
    assert result.stderr == ""
    pattern = r"^(?P<file>\S+):(?P<line>\d+):\d+: IDM000 endpoint (?P<method>\S+) (?P<path>\S+) connexion .*$"
    assert _found(result.stdout, pattern) == expected
