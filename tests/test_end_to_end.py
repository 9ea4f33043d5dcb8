"""The installed commands as processes of their own: what in-process runs cannot show.

The rest of the suite runs flake8 and the command line in the test process; these
few start the real ``flake8`` and ``flake8-idempotency`` commands: the entry
points, several jobs, stdin, exit statuses and stderr as a shell sees them.
pre-commit and python-lsp-server have their own files.
"""

from __future__ import annotations

import json

import pytest

from conftest import FIXTURES, cli, cli_process, flake8, flake8_process
from test_plugin import PUT_VIEW
from test_rules import RULE_FIXTURES, rule_fixtures, snapshot_path

PROJECTS = FIXTURES / "projects"


def test_flake8_command_with_two_jobs_reports_what_the_snapshots_hold(tmp_path):
    result = flake8_process(
        "--isolated", "--select=IDM", "--idm-show-endpoints", f"--idm-project-root={tmp_path}", "-j2", ".",
        cwd=RULE_FIXTURES,
    )
    assert result.stderr == ""
    assert result.returncode == 1
    snapshots = "".join(
        f"./{fixture.name}:{line}\n"
        for fixture in rule_fixtures()
        for line in snapshot_path(fixture).read_text(encoding="utf-8").splitlines()
    )
    assert result.stdout == snapshots


@pytest.mark.parametrize(
    "project", ["crossfile", "connexion", "django_project", "fastapi_project", "flask_project", "get_only_project"]
)
def test_two_jobs_report_what_one_job_does(project):
    """Every worker reads the other files for itself: cross-file findings must not depend on which one."""
    args = ("--isolated", "--select=IDM", "--idm-show-endpoints", ".")
    parallel = flake8_process("-j2", *args, cwd=PROJECTS / project)
    serial = flake8(*args, cwd=PROJECTS / project)
    assert "IDM000 endpoint" in serial.stdout
    assert parallel == serial


def test_stdin_uses_the_display_name():
    result = flake8_process(
        "--isolated",
        "--select=IDM000",
        "--idm-show-endpoints",
        "--stdin-display-name=api/users.py",
        "-",
        stdin=PUT_VIEW,
    )
    assert result == (1, "api/users.py:7:1: IDM000 endpoint PUT /users/{user_id}/credits fastapi set_credits\n", "")


def test_bad_option_value_is_one_line_naming_the_option():
    result = flake8_process("--isolated", "--idm-call-depth=deep", "-", stdin=PUT_VIEW)
    error = "flake8-idempotency: bad value 'deep' for --idm-call-depth: expected a whole number >= 0\n"
    assert result == (2, "", error)  # a usage error, as flake8 and ruff exit


def test_endpoints_command_lists_what_the_in_process_run_does():
    discovery = FIXTURES / "discovery"
    result = cli_process("endpoints", cwd=discovery)
    assert result.returncode == 0 and result.stderr == ""
    assert "./fastapi_app.py:86 PUT /orders/{order_id} fastapi replace_order" in result.stdout.splitlines()
    assert result == cli("endpoints", cwd=discovery)


def test_summary_command_gives_the_reviewed_json_and_fails_the_build():
    result = cli_process("summary", "--format", "json", cwd=PROJECTS / "fastapi_project")
    assert result.returncode == 1 and result.stderr == ""
    data = json.loads(result.stdout)
    data["tool"]["version"] = "*"
    assert data == json.loads((PROJECTS / "fastapi_project.summary.json").read_text(encoding="utf-8"))


def test_the_flake8_command_resolves_a_computed_all_without_the_project_on_sys_path():
    """``flake8`` (unlike ``python -m flake8``) does not put the current directory on
    ``sys.path``: the plugin shows astroid the project's roots itself."""
    result = flake8_process(
        "--isolated", "--select=IDM000", "--idm-show-endpoints", "orders/legacy_notes.py", cwd=PROJECTS / "crossfile"
    )
    assert result.stdout == "orders/legacy_notes.py:6:5: IDM000 endpoint DELETE ? drf LegacyNoteView.delete\n"
