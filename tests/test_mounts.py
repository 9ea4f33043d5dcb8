"""The path a client calls: prefixes of mounts and includes in other files, chained.

``fixtures/projects/mounts`` holds one app per mount style (FastAPI routers of a
project subclass of ``APIRouter`` included in a loop into a factory-built app that is
mounted under ``/api``, routers including routers, Flask blueprints with their own
``url_prefix`` and nested ones, routes added by a helper given the blueprint, Django
``include()`` of inline lists, of ``(patterns, app_name)``, of module strings and of a
DRF router defined in another module, Ninja ``add_router``) with near-misses: a ``prefix=`` keyword on an
unrelated call, a blueprint never registered, a mount whose prefix is not a literal, a
cycle of includes, a view routed by a project helper that is not followed. Each
handler says the full path it is served at with ``# endpoint: METHOD /path``.
"""

from __future__ import annotations

import json
import re

import jsonschema

from conftest import FIXTURES, REPO, cli, flake8, project_endpoints

PROJECT = FIXTURES / "projects" / "mounts"
SCHEMA = json.loads((REPO / "docs" / "summary-schema.json").read_text(encoding="utf-8"))


def test_every_mount_style_gives_the_full_path():
    result = flake8("--isolated", "--select=IDM000", "--idm-show-endpoints", ".", cwd=PROJECT)
    assert result.stderr == ""
    pattern = r"^\./(?P<file>\S+):(?P<line>\d+):\d+: IDM000 endpoint (?P<method>\S+) (?P<path>\S+) .*$"
    found = set()
    for line in result.stdout.splitlines():
        match = re.match(pattern, line)
        assert match, line
        found.add((match["file"], int(match["line"]), match["method"], match["path"]))
    assert found == project_endpoints(PROJECT)


def test_each_file_linted_alone_sees_the_mounts_of_the_others():
    """An editor lints one file: the project index still gives the chain above it."""
    target = "fastapi_app/chain/refunds.py"
    result = flake8("--isolated", "--select=IDM000", "--idm-show-endpoints", target, cwd=PROJECT)
    assert "POST /api/v3/payments/{id}/refund" in result.stdout


def test_the_summary_counts_the_unknown_paths():
    result = cli("summary", "--format", "json", cwd=PROJECT)
    assert result.stderr == ""
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    unknown = sum(1 for endpoint in data["endpoints"] if endpoint["path"] is None)
    assert unknown == sum(1 for *_, route in project_endpoints(PROJECT) if route == "?") == 2
    assert data["unknown_paths"] == unknown
    text = cli("summary", cwd=PROJECT).stdout
    assert f"unknown paths: {unknown} of {len(data['endpoints'])} endpoints" in text


def test_no_unknown_paths_no_field():
    data = json.loads(cli("summary", "--format", "json", "fastapi_app/chain/orders.py", cwd=PROJECT).stdout)
    jsonschema.validate(data, SCHEMA)
    assert "unknown_paths" not in data
