"""The plugin as flake8 users meet it: loading, options, stdin, broken files, cost.

flake8 runs in this process; what only a process of its own shows (the real
command, stdin with ``--stdin-display-name``, the exit status of a bad option) is
in ``test_end_to_end.py``.
"""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest

from conftest import FIXTURES, cli, flake8
from flake8_idempotency.plugin import IdempotencyChecker

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
    """The plugin never sees a file flake8 cannot parse; the next file in the run is checked as usual."""
    result = flake8(
        "--isolated", "--select=E999,IDM", "--idm-show-endpoints", "syntax_error.py", "get_only_app.py", cwd=DISCOVERY
    )
    assert result.returncode == 1
    assert result.stderr == ""
    codes = {(line.split(":")[0], line.split(": ")[1].split()[0]) for line in result.stdout.splitlines()}
    assert codes == {("syntax_error.py", "E999"), ("get_only_app.py", "IDM000")}


def test_endpoints_are_silent_unless_asked_for():
    result = flake8("--isolated", "-", stdin=PUT_VIEW)
    assert result == (0, "", "")
    asked = flake8("--isolated", "--idm-show-endpoints", "-", stdin=PUT_VIEW)
    assert asked.stdout == "stdin:7:1: IDM000 endpoint PUT /users/{user_id}/credits fastapi set_credits\n"


def test_options_are_read_from_config_files(tmp_path):
    (tmp_path / "setup.cfg").write_text("[flake8]\nidm-show-endpoints = true\nidm-call-depth = 3\n")
    (tmp_path / "users.py").write_text(PUT_VIEW)
    result = flake8("--select=IDM", "users.py", cwd=tmp_path)
    assert "IDM000 endpoint PUT /users/{user_id}/credits" in result.stdout
    (tmp_path / "setup.cfg").write_text("[flake8]\nidm-call-depth = -1\n")
    result = flake8("users.py", cwd=tmp_path)
    assert "bad value '-1' for --idm-call-depth" in result.stderr


@pytest.fixture
def without(monkeypatch):
    """Make importing a module fail for the rest of the test, whether or not it is loaded already."""

    def block(name: str) -> None:
        importlib.import_module(name)  # a module that moved must fail here, not pass unnoticed below
        monkeypatch.setitem(sys.modules, name, None)

    return block


def test_a_file_without_endpoints_does_no_astroid_work(without):
    """With astroid unimportable, linting a plain module beside a framework file prints nothing on stderr:
    the plugin, which names an internal error there, never reached for it."""
    without("astroid")
    result = flake8(
        "--isolated", "--select=IDM", "--idm-show-endpoints", "no_framework.py", "get_only_app.py", cwd=DISCOVERY
    )
    assert result.stderr == ""
    assert {line.split(":")[0] for line in result.stdout.splitlines()} == {"get_only_app.py"}


def test_a_framework_file_that_declares_nothing_stops_at_the_prefilter(tmp_path, without, monkeypatch):
    """A Django model module mentions django but declares no endpoint: the pre-filter
    stops it before discovery is even imported (the cost every such file would pay)."""
    checked = []
    run = IdempotencyChecker.run
    monkeypatch.setattr(IdempotencyChecker, "run", lambda self: checked.append(self.filename) or run(self))
    without("flake8_idempotency.discovery")
    (tmp_path / "models.py").write_text(
        "from django.db import models\n"
        "from django.urls import reverse\n\n\n"
        "class Order(models.Model):\n"
        "    total = models.IntegerField()\n\n"
        "    def get_absolute_url(self):\n"
        "        return reverse('order', args=[self.pk])\n"
    )
    assert flake8("--isolated", "--select=IDM", "--idm-show-endpoints", "models.py", cwd=tmp_path) == (0, "", "")
    assert checked == ["models.py"]


def test_a_single_framework_file_needs_no_astroid(without):
    without("astroid")
    result = flake8("--isolated", "--select=IDM000", "--idm-show-endpoints", "fastapi_app.py", cwd=DISCOVERY)
    assert result.stderr == ""
    assert "fastapi_app.py:86:1: IDM000 endpoint PUT /orders/{order_id} fastapi replace_order" in result.stdout


def test_inventory_honours_flake8_exclude_config(tmp_path):
    (tmp_path / "legacy").mkdir()
    (tmp_path / "users.py").write_text(PUT_VIEW)
    (tmp_path / "legacy" / "old_users.py").write_text(PUT_VIEW)
    (tmp_path / ".flake8").write_text("[flake8]\nextend-exclude = legacy\n")
    result = cli("endpoints", cwd=tmp_path)
    assert result.stdout.splitlines() == ["./users.py:7 PUT /users/{user_id}/credits fastapi set_credits"]
