"""Endpoint discovery per framework family, checked against the fixture annotations.

Every fixture under ``fixtures/discovery`` marks its endpoints on their ``def``
lines (``# endpoint: PUT /orders/{id}``); the inventory command and a real
flake8 run (``--idm-show-endpoints``, IDM000) must both report exactly those.
Beside each fixture, ``<name>.snapshot`` holds its IDM000 lines as flake8 prints
them (column, framework and handler name included); ``pytest --update-snapshots``
rewrites them.
"""

from __future__ import annotations

import re

import pytest

from conftest import FIXTURES, cli, expected_endpoints, flake8

DISCOVERY = FIXTURES / "discovery"
FRAMEWORK_FIXTURES = sorted(
    path for path in DISCOVERY.glob("*.py") if path.name not in ("syntax_error.py",)
)
_INVENTORY_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+) (?P<method>\S+) (?P<path>\S+) (?P<framework>\S+) (?P<handler>\S+)$"
)
_IDM000 = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):\d+: IDM000 endpoint "
    r"(?P<method>\S+) (?P<path>\S+) (?P<framework>\S+) (?P<handler>\S+)$"
)


def _parse(lines: str, pattern: re.Pattern[str]) -> dict[str, set[tuple[int, str, str, str, str]]]:
    """Per file name: ``(line, method, path, framework, handler)``."""
    found: dict[str, set[tuple[int, str, str, str, str]]] = {}
    for line in lines.splitlines():
        match = pattern.match(line)
        assert match, f"unexpected output line: {line!r}"
        found.setdefault(match["file"].replace("\\", "/").rsplit("/", 1)[-1], set()).add(
            (int(match["line"]), match["method"], match["path"], match["framework"], match["handler"])
        )
    return found


def _annotated(found: set[tuple[int, str, str, str, str]]) -> set[tuple[int, str, str]]:
    return {(line, method, path) for line, method, path, _framework, _handler in found}


@pytest.fixture(scope="module")
def inventory() -> dict[str, set[tuple[int, str, str, str, str]]]:
    result = cli("endpoints", str(DISCOVERY))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout
    return _parse(result.stdout, _INVENTORY_LINE)


@pytest.fixture(scope="module")
def flake8_output() -> str:
    result = flake8("--isolated", "--select=IDM000", "--idm-show-endpoints", ".", cwd=DISCOVERY)
    assert result.stderr == ""
    assert result.stdout
    return result.stdout


@pytest.mark.parametrize("fixture", FRAMEWORK_FIXTURES, ids=lambda path: path.stem)
def test_inventory_matches_annotations(fixture, inventory):
    assert _annotated(inventory.get(fixture.name, set())) == expected_endpoints(fixture)


@pytest.mark.parametrize("fixture", FRAMEWORK_FIXTURES, ids=lambda path: path.stem)
def test_flake8_reports_the_same_endpoints(fixture, flake8_output):
    assert _annotated(_parse(flake8_output, _IDM000).get(fixture.name, set())) == expected_endpoints(fixture)


@pytest.mark.parametrize("fixture", FRAMEWORK_FIXTURES, ids=lambda path: path.stem)
def test_endpoints_match_snapshot(fixture, flake8_output, snapshots):
    """Column, framework and handler name too; the snapshot's endpoints are the annotations."""
    prefix = f"./{fixture.name}:"
    actual = "".join(line.removeprefix(prefix) + "\n" for line in flake8_output.splitlines() if line.startswith(prefix))
    snapshot = fixture.with_suffix(".snapshot")
    snapshots.check(snapshot, actual)
    in_snapshot = "".join(prefix + line for line in snapshot.read_text(encoding="utf-8").splitlines(keepends=True))
    assert _annotated(_parse(in_snapshot, _IDM000).get(fixture.name, set())) == expected_endpoints(fixture)


def test_inventory_and_flake8_name_the_same_frameworks_and_handlers(inventory, flake8_output):
    assert _parse(flake8_output, _IDM000) == inventory


def test_every_framework_fixture_has_endpoints():
    empty = {"no_framework.py", "not_endpoints.py"}
    for fixture in FRAMEWORK_FIXTURES:
        assert bool(expected_endpoints(fixture)) == (fixture.name not in empty), fixture.name
