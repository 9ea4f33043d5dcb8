"""Names across modules: view bases and routers defined in other project files.

The frameworks are not installed in the test environment (as in pre-commit's
isolated env): everything is resolved from the project's own files.
"""

from __future__ import annotations

import importlib.util
import re

import pytest

from conftest import FIXTURES, cli, expected_endpoints, flake8, run

PROJECT = FIXTURES / "projects" / "crossfile"
ANNOTATED = sorted(path for path in PROJECT.rglob("*.py") if expected_endpoints(path))


def _found(output: str, pattern: str) -> set[tuple[str, int, str, str]]:
    found = set()
    for line in output.splitlines():
        match = re.match(pattern, line)
        assert match, line
        found.add((match["file"].removeprefix("./"), int(match["line"]), match["method"], match["path"]))
    return found


def _expected() -> set[tuple[str, int, str, str]]:
    return {
        (path.relative_to(PROJECT).as_posix(), line, method, route)
        for path in ANNOTATED
        for line, method, route in expected_endpoints(path)
    }


def test_frameworks_are_not_installed_here():
    assert all(importlib.util.find_spec(name) is None for name in ("rest_framework", "fastapi"))


def test_inventory_resolves_bases_and_routers_from_other_modules():
    result = cli("endpoints", cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    pattern = r"^(?P<file>\S+):(?P<line>\d+) (?P<method>\S+) (?P<path>\S+) \S+ \S+$"
    assert _found(result.stdout, pattern) == _expected()


@pytest.mark.parametrize("jobs", ["-j1", "-j2"])
def test_flake8_resolves_the_same(jobs):
    result = flake8("--isolated", "--select=IDM000", "--idm-show-endpoints", jobs, ".", cwd=PROJECT)
    assert result.stderr == ""
    pattern = r"^(?P<file>\S+):(?P<line>\d+):\d+: IDM000 endpoint (?P<method>\S+) (?P<path>\S+) .*$"
    assert _found(result.stdout, pattern) == _expected()


_BUILDS_PROBE = (
    "import sys\n"
    "from flake8.main.cli import main\n"
    "from flake8_idempotency.plugin import IdempotencyChecker\n"
    "try:\n"
    "    main(['--isolated', '--select=IDM000', '--idm-show-endpoints', '-j1', sys.argv[1]])\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('astroid builds:', IdempotencyChecker.lint_run.resolver.builds)\n"
)


def test_plain_imports_resolve_without_astroid():
    result = run(["-c", _BUILDS_PROBE, "orders/views.py"], cwd=PROJECT)
    assert "IDM000 endpoint DELETE ? drf OrderViewSet.destroy" in result.stdout
    assert result.stdout.strip().endswith("astroid builds: 0")


def test_import_star_is_followed_without_astroid():
    result = run(["-c", _BUILDS_PROBE, "orders/notes.py"], cwd=PROJECT)
    assert "IDM000 endpoint DELETE ? drf NoteView.delete" in result.stdout
    assert result.stdout.strip().endswith("astroid builds: 0")


def test_astroid_resolves_import_star_of_a_computed_all():
    result = run(["-c", _BUILDS_PROBE, "orders/legacy_notes.py"], cwd=PROJECT)
    assert "IDM000 endpoint DELETE ? drf LegacyNoteView.delete" in result.stdout
    assert result.stdout.strip().endswith("astroid builds: 1")


CONNEXION = FIXTURES / "projects" / "connexion"


@pytest.mark.parametrize("jobs", ["-j1", "-j2"])
def test_connexion_operations_come_from_the_openapi_spec(jobs):
    expected = {
        (path.relative_to(CONNEXION).as_posix(), line, method, route)
        for path in sorted(CONNEXION.rglob("*.py"))
        for line, method, route in expected_endpoints(path)
    }
    assert len(expected) == 4
    result = flake8("--isolated", "--select=IDM000", "--idm-show-endpoints", jobs, ".", cwd=CONNEXION)
    assert result.stderr == ""
    pattern = r"^(?P<file>\S+):(?P<line>\d+):\d+: IDM000 endpoint (?P<method>\S+) (?P<path>\S+) connexion .*$"
    assert _found(result.stdout, pattern) == expected
