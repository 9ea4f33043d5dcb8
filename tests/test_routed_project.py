"""Endpoints found through how the project routes them: bases that provide endpoints
(DRF), resources routed from other files or by resolver methods (Falcon), cornice
services. The annotations (``# endpoint: ...``) are what the inventory and flake8 must
both report; ``routed.snapshot`` holds flake8's lines (``pytest --update-snapshots``).
"""

from __future__ import annotations

import re

from conftest import FIXTURES, cli, expected_endpoints, flake8

PROJECT = FIXTURES / "projects" / "routed"
SNAPSHOT = FIXTURES / "projects" / "routed.snapshot"


def _found(output: str, pattern: str) -> set[tuple[str, int, str, str]]:
    found = set()
    for line in output.splitlines():
        match = re.match(pattern, line)
        if match:
            found.add((match["file"].removeprefix("./"), int(match["line"]), match["method"], match["path"]))
    return found


def _expected() -> set[tuple[str, int, str, str]]:
    return {
        (path.relative_to(PROJECT).as_posix(), line, method, route)
        for path in sorted(PROJECT.rglob("*.py"))
        for line, method, route in expected_endpoints(path)
    }


def test_inventory_matches_the_annotations():
    result = cli("endpoints", cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    pattern = r"^(?P<file>\S+):(?P<line>\d+) (?P<method>\S+) (?P<path>\S+) \S+ \S+$"
    assert _found(result.stdout, pattern) == _expected()


def test_flake8_matches_the_annotations_and_the_snapshot(snapshots):
    result = flake8("--isolated", "--select=IDM", "--idm-show-endpoints", ".", cwd=PROJECT)
    assert result.stderr == ""
    pattern = r"^(?P<file>\S+):(?P<line>\d+):\d+: IDM000 endpoint (?P<method>\S+) (?P<path>\S+) .*$"
    assert _found(result.stdout, pattern) == _expected()
    snapshots.check(SNAPSHOT, result.stdout)
