"""IDM001 through real flake8 (in this process): message text, helpers, options, suppression."""

from __future__ import annotations

import textwrap

from conftest import flake8

CREDITS_APP = '''\
from fastapi import FastAPI

from .db import User, session

app = FastAPI()


def add_credit(user, amount):
    user.credits += amount


@app.put("/users/{id}/credits")
def put_credits(id: int, amount: int):
    user = session.get(User, id)
    user.credits += amount
    user.version += 1
    add_credit(user, amount)
    user.bump_points(amount)
    return user
'''


def run(tmp_path, source: str, *options: str):
    path = tmp_path / "app.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return flake8("--isolated", "--select=IDM", *options, path.name, cwd=tmp_path)


def test_message_names_endpoint_change_and_fix(tmp_path):
    result = run(tmp_path, CREDITS_APP)
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "app.py:15:5: IDM001 PUT /users/{id}/credits increments credits (+=); "
        "a retried PUT adds again. Set the value from the request instead."
    )


def test_helper_write_is_reported_at_the_call_and_names_the_helper(tmp_path):
    result = run(tmp_path, CREDITS_APP)
    assert (
        "app.py:17:5: IDM001 PUT /users/{id}/credits increments credits (+=) (in add_credit, line 9); "
        "a retried PUT adds again. Set the value from the request instead."
    ) in result.stdout.splitlines()


def test_version_bump_is_allowed_by_default(tmp_path):
    """Line 16 bumps ``version``; the credits on 15 and 17 are reported in the same run."""
    result = run(tmp_path, CREDITS_APP)
    reported = [line.split(":")[1] for line in result.stdout.splitlines()]
    assert reported == ["15", "17"]


def test_allowed_fields_option_replaces_the_list(tmp_path):
    result = run(tmp_path, CREDITS_APP, "--idm-put-allowed-fields=credits")
    reported = [line.split(":")[1] for line in result.stdout.splitlines()]
    assert reported == ["16"]


def test_allowed_fields_from_setup_cfg(tmp_path):
    """The list from the config file replaces the default: credits allowed, version no longer."""
    (tmp_path / "setup.cfg").write_text("[flake8]\nidm-put-allowed-fields = credits, updated_at\n", encoding="utf-8")
    path = tmp_path / "app.py"
    path.write_text(CREDITS_APP, encoding="utf-8")
    result = flake8("--select=IDM", "app.py", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        "app.py:16:5: IDM001 PUT /users/{id}/credits increments version (+=); "
        "a retried PUT adds again. Set the value from the request instead."
    ]


def test_relative_write_calls_option_adds_project_calls(tmp_path):
    assert ":18:" not in run(tmp_path, CREDITS_APP).stdout
    result = run(tmp_path, CREDITS_APP, "--idm-relative-write-calls=bump_points, add_stock")
    assert (
        "app.py:18:5: IDM001 PUT /users/{id}/credits changes state relative to its current value (bump_points()); "
        "a retried PUT changes it again. Set the value from the request instead."
    ) in result.stdout.splitlines()


def test_bad_option_value_is_one_line_naming_the_option(tmp_path):
    result = run(tmp_path, CREDITS_APP, "--idm-relative-write-calls=bump-points")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    error = result.stderr.strip().splitlines()
    assert error == [
        "flake8-idempotency: bad value 'bump-points' for --idm-relative-write-calls: expected comma-separated names"
    ]


def test_noqa_silences_the_reported_line(tmp_path):
    line = "    user.credits += amount\n    user.version"
    source = CREDITS_APP.replace(line, line.replace("amount\n", "amount  # noqa: IDM001\n"))
    reported = [line.split(":")[1] for line in run(tmp_path, source).stdout.splitlines()]
    assert reported == ["17"]
    reported = [line.split(":")[1] for line in run(tmp_path, source, "--disable-noqa").stdout.splitlines()]
    assert reported == ["15", "17"]
