"""Multi-file projects: findings that need other files, and the project summary.

Each project under ``fixtures/projects`` marks its expected findings with
``# error: IDMnnn`` like the rule fixtures; flake8 runs from the project's
directory, as in CI (with two jobs in ``test_end_to_end.py``). What it reports,
endpoints included, is in ``<project>.snapshot`` beside the project, and the
summary in a reviewed golden JSON file; ``pytest --update-snapshots`` rewrites
the snapshots.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, cli, expected_findings, flake8

PROJECTS = FIXTURES / "projects"
NAMES = ["django_project", "fastapi_project", "flask_project", "get_only_project"]


def _expected(project: Path) -> set[tuple[str, int, str]]:
    return {
        (path.relative_to(project).as_posix(), line, code)
        for path in sorted(project.rglob("*.py"))
        for line, code in expected_findings(path)
    }


def _reported(output: str) -> set[tuple[str, int, str]]:
    """``(path, line, code)`` of the findings; the endpoints (IDM000) are not findings."""
    found = set()
    for line in output.splitlines():
        location, _, message = line.partition(": ")
        path, row, _column = location.rsplit(":", 2)
        if not message.startswith("IDM000 "):
            found.add((path.removeprefix("./"), int(row), message.split()[0]))
    return found


@pytest.fixture(scope="module")
def reported() -> dict[str, str]:
    """Per project: what one flake8 run from its directory reports, endpoints included."""
    found = {}
    for name in NAMES:
        result = flake8("--isolated", "--select=IDM", "--idm-show-endpoints", ".", cwd=PROJECTS / name)
        assert result.stderr == ""
        assert " IDM000 endpoint " in result.stdout
        found[name] = result.stdout
    return found


@pytest.mark.parametrize("name", NAMES)
def test_findings_across_files(name, reported):
    assert _reported(reported[name]) == _expected(PROJECTS / name)


@pytest.mark.parametrize("name", NAMES)
def test_report_matches_snapshot(name, reported, snapshots):
    snapshot = PROJECTS / f"{name}.snapshot"
    snapshots.check(snapshot, reported[name])
    assert _reported(snapshot.read_text(encoding="utf-8")) == _expected(PROJECTS / name)


@pytest.mark.parametrize("name", NAMES)
def test_summary_matches_the_reviewed_json(name):
    project = PROJECTS / name
    result = cli("summary", "--format", "json", cwd=project)
    data = json.loads(result.stdout)
    data["tool"]["version"] = "*"
    golden = json.loads((PROJECTS / f"{name}.summary.json").read_text(encoding="utf-8"))
    assert data == golden
    assert result.returncode == (1 if data["verdict"] == "fail" else 0)


def test_get_only_project_is_not_applicable():
    result = cli("summary", cwd=PROJECTS / "get_only_project")
    assert result.returncode == 0
    assert "verdict: n/a" in result.stdout


def test_middleware_in_another_file_protects_every_router():
    data = json.loads(cli("summary", "--format", "json", cwd=PROJECTS / "fastapi_project").stdout)
    assert data["checks"]["critical_post"] == {"total": 1, "protected": 1}


def test_summary_of_single_files_says_it_is_partial():
    project = PROJECTS / "flask_project"
    result = cli("summary", "--format", "json", "shop/blueprints/payments.py", cwd=project)
    data = json.loads(result.stdout)
    assert data["scope"] == {"files": 1, "partial": True}
    assert [endpoint["path"] for endpoint in data["endpoints"]] == ["/v1/payments"]  # mounted in shop/__init__.py


def test_flake8_idm_summary_format_keeps_flake8_exit_code():
    project = PROJECTS / "fastapi_project"
    result = flake8("--isolated", "--select=IDM", "--format=idm-summary", ".", cwd=project)
    assert result.returncode == 1  # one IDM003 finding, as with the default format
    lines = result.stdout.splitlines()
    assert lines[0].startswith("./shop/routers/orders.py:10:5: IDM003 ")
    assert "verdict: fail" in lines
    clean = flake8("--isolated", "--select=IDM", "--format=idm-summary", ".", cwd=PROJECTS / "get_only_project")
    assert clean.returncode == 0
    assert "verdict: n/a" in clean.stdout.splitlines()


def test_the_index_cache_follows_edits(tmp_path, monkeypatch):
    """A second run reads what other files say from the cache, and sees an edit at once."""
    project = tmp_path / "project"
    shutil.copytree(PROJECTS / "django_project", project)
    cache = tmp_path / "cache"
    monkeypatch.setenv("FLAKE8_IDEMPOTENCY_CACHE", str(cache))

    def endpoints() -> list[str]:
        return cli("endpoints", cwd=project).stdout.splitlines()

    first = endpoints()
    assert "./orders/views.py:19 DELETE /api/orders/{pk}/cancel/ django cancel" in first
    assert len(list(cache.glob("index-*.json"))) == 1
    urls = project / "config" / "urls.py"
    urls.write_text(urls.read_text().replace('"api/orders/"', '"v2/orders/"'))
    assert "./orders/views.py:19 DELETE /v2/orders/{pk}/cancel/ django cancel" in endpoints()
    monkeypatch.setenv("FLAKE8_IDEMPOTENCY_CACHE", "off")
    assert "./orders/views.py:19 DELETE /v2/orders/{pk}/cancel/ django cancel" in endpoints()
