"""Endpoints found through how the project routes them: bases that provide endpoints
(DRF), resources routed from other files or by resolver methods (Falcon), cornice
services. The annotations (``# endpoint: ...``) are what the inventory and flake8 must
both report; ``routed.snapshot`` holds flake8's lines (``pytest --update-snapshots``).
"""

from __future__ import annotations

import re

from conftest import FIXTURES, cli, flake8, project_endpoints

PROJECT = FIXTURES / "projects" / "routed"
SNAPSHOT = FIXTURES / "projects" / "routed.snapshot"


def _found(output: str, pattern: str) -> set[tuple[str, int, str, str]]:
    found = set()
    for line in output.splitlines():
        match = re.match(pattern, line)
        if match:
            found.add((match["file"].removeprefix("./"), int(match["line"]), match["method"], match["path"]))
    return found


def test_inventory_matches_the_annotations():
    result = cli("endpoints", cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    pattern = r"^(?P<file>\S+):(?P<line>\d+) (?P<method>\S+) (?P<path>\S+) \S+ \S+$"
    assert _found(result.stdout, pattern) == project_endpoints(PROJECT)


def test_flake8_matches_the_annotations_and_the_snapshot(snapshots):
    result = flake8("--isolated", "--select=IDM", "--idm-show-endpoints", ".", cwd=PROJECT)
    assert result.stderr == ""
    pattern = r"^(?P<file>\S+):(?P<line>\d+):\d+: IDM000 endpoint (?P<method>\S+) (?P<path>\S+) .*$"
    assert _found(result.stdout, pattern) == project_endpoints(PROJECT)
    snapshots.check(SNAPSHOT, result.stdout)
