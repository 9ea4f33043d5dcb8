"""The plugin as flake8 users meet it: loading, options, stdin, broken files, cost."""

from __future__ import annotations

import textwrap

from conftest import FIXTURES, flake8, run

DISCOVERY = FIXTURES / "discovery"

PUT_VIEW = textwrap.dedent(
    """\
    from fastapi import APIRouter

    api = APIRouter(prefix="/users")


    @api.put("/{user_id}/credits")
    def set_credits(user_id: int):
        return {}
    """
)


def test_flake8_version_lists_the_plugin():
    result = flake8("--version")
    assert "flake8-idempotency:" in result.stdout


def test_syntax_error_is_e999_and_the_plugin_stays_silent():
    result = flake8("--isolated", "--select=E999,IDM", "--idm-show-endpoints", str(DISCOVERY / "syntax_error.py"))
    assert result.returncode == 1
    assert "E999" in result.stdout
    assert "IDM" not in result.stdout
    assert "Traceback" not in result.stderr


def test_stdin_uses_the_display_name():
    result = flake8(
        "--isolated",
        "--select=IDM000",
        "--idm-show-endpoints",
        "--stdin-display-name=api/users.py",
        "-",
        stdin=PUT_VIEW,
    )
    assert result.stdout.splitlines() == [
        "api/users.py:7:1: IDM000 endpoint PUT /users/{user_id}/credits fastapi set_credits"
    ]


def test_endpoints_are_silent_unless_asked_for():
    result = flake8("--isolated", "-", stdin=PUT_VIEW)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""


def test_bad_option_value_is_one_line_naming_the_option():
    result = flake8("--isolated", "--idm-call-depth=deep", "-", stdin=PUT_VIEW)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "flake8-idempotency: bad value 'deep' for --idm-call-depth: expected a whole number >= 0"
    ]


def test_options_are_read_from_config_files(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\nidm-show-endpoints = true\nidm-call-depth = 3\n")
    (tmp_path / "users.py").write_text(PUT_VIEW)
    result = flake8("--select=IDM", "users.py", cwd=tmp_path)
    assert "IDM000 endpoint PUT /users/{user_id}/credits" in result.stdout
    (tmp_path / "setup.cfg").write_text("[flake8]\nidm-call-depth = -1\n")
    result = flake8("users.py", cwd=tmp_path)
    assert "bad value '-1' for --idm-call-depth" in result.stderr


_ASTROID_PROBE = """
import sys
from flake8.main.cli import main
from flake8_idempotency.plugin import IdempotencyChecker
try:
    main(["--isolated", "--select=IDM000", "--idm-show-endpoints", *sys.argv[1:]])
except SystemExit:
    pass
print("discovery imported:", "flake8_idempotency.discovery" in sys.modules)
print("astroid imported:", "astroid" in sys.modules, "builds:", IdempotencyChecker.lint_run.resolver.builds)
"""


def test_a_file_without_endpoints_does_no_astroid_work():
    result = run(["-c", _ASTROID_PROBE, str(DISCOVERY / "no_framework.py")])
    assert result.stdout.strip().endswith("astroid imported: False builds: 0"), result.stdout + result.stderr


def test_a_framework_file_that_declares_nothing_stops_at_the_prefilter(tmp_path):
    """A Django model module mentions django but declares no endpoint: the pre-filter
    stops it before discovery is even imported (the cost every such file would pay)."""
    models = tmp_path / "models.py"
    models.write_text(
        "from django.db import models\n"
        "from django.urls import reverse\n\n\n"
        "class Order(models.Model):\n"
        "    total = models.IntegerField()\n\n"
        "    def get_absolute_url(self):\n"
        "        return reverse('order', args=[self.pk])\n"
    )
    result = run(["-c", _ASTROID_PROBE, "models.py"], cwd=tmp_path)
    assert "discovery imported: False" in result.stdout, result.stdout + result.stderr


def test_a_single_framework_file_needs_no_astroid():
    result = run(["-c", _ASTROID_PROBE, str(DISCOVERY / "fastapi_app.py")])
    assert "IDM000" in result.stdout
    assert result.stdout.strip().endswith("astroid imported: False builds: 0"), result.stdout + result.stderr


def test_inventory_honours_flake8_exclude_config(tmp_path):
    from conftest import cli

    (tmp_path / "legacy").mkdir()
    (tmp_path / "users.py").write_text(PUT_VIEW)
    (tmp_path / "legacy" / "old_users.py").write_text(PUT_VIEW)
    (tmp_path / ".flake8").write_text("[flake8]\nextend-exclude = legacy\n")
    result = cli("endpoints", cwd=tmp_path)
    assert result.stdout.splitlines() == ["./users.py:7 PUT /users/{user_id}/credits fastapi set_credits"]
