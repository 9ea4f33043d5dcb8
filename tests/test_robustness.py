"""Never crash, never hang: adversarial inputs, contained failures, no user code run.

Every case runs through real flake8 (in this process) and must end with findings
or nothing: never a traceback, never a failed flake8 run because of the plugin,
in bounded time. The cases too big for pycodestyle and pyflakes in a test's time
call the plugin alone, the way flake8 does.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, cli, flake8, plugin_findings

PUT_HEADER = (
    "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
    '@router.put("/users/{user_id}")\ndef put_user(user_id: int):\n'
)


def _write(directory: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")


def _lint(directory: Path, *args: str):
    result = flake8("--isolated", "--select=IDM,E999,E902", *args, ".", cwd=directory)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result


def _codes(output: str) -> list[str]:
    return [line.split(": ", 1)[1].split()[0] for line in output.splitlines()]


def _deep_handler(depth: int) -> str:
    deep_sum = " + ".join(["1"] * depth)
    deep_calls = "f(" * 150 + "0" + ")" * 150  # CPython's parser stops at 200 nested parentheses
    deep_attributes = "user" + ".profile" * depth
    return PUT_HEADER + f"    total = {deep_sum}\n    nested = {deep_calls}\n    {deep_attributes}.credits += 1\n"


def test_deep_expressions_inside_a_handler(tmp_path):
    _write(tmp_path, {"app.py": _deep_handler(200)})
    assert _codes(_lint(tmp_path).stdout) == ["IDM001"]


def test_a_thousand_deep_expression_does_not_escape_as_recursion_error(tmp_path, capsys):
    """pyflakes itself gives up at this depth (flake8 then reports its failure), so the
    plugin is called alone, the way flake8 calls it, with the default recursion limit."""
    _write(tmp_path, {"app.py": _deep_handler(1000)})
    assert [line.split(" ", 2)[:2] for line in plugin_findings(tmp_path / "app.py")] == [["10:5:", "IDM001"]]
    assert capsys.readouterr().err == ""


def test_deeply_nested_statements(tmp_path):
    lines = [PUT_HEADER.rstrip("\n")]
    for depth in range(1, 90):  # CPython refuses more than 100 indentation levels (E999)
        lines.append("    " * depth + "if user_id:")
    lines.append("    " * 90 + "user.credits += 1")
    _write(tmp_path, {"app.py": "\n".join(lines) + "\n", "too_deep.py": "if x:\n" + "".join(
        " " * level + "if x:\n" for level in range(1, 1000)) + " " * 1000 + "pass\n"})
    result = _lint(tmp_path)
    assert sorted(_codes(result.stdout)) == ["E999", "IDM001"]


@pytest.mark.slow
def test_a_hundred_thousand_line_file(tmp_path, capsys):
    """Within the default per-file budget: past it, the file would get a warning and no finding."""
    filler = "".join(f"def helper_{n}(value):\n    return value + {n}\n\n\n" for n in range(25_000))
    endpoint = PUT_HEADER + "    user = load(user_id)\n    user.credits += 1\n"
    _write(tmp_path, {"big.py": endpoint + "\n\n" + filler})
    assert len((tmp_path / "big.py").read_text().splitlines()) > 100_000
    assert plugin_findings(tmp_path / "big.py") == [
        "9:5: IDM001 PUT /users/{user_id} increments credits (+=); a retried PUT adds again. "
        "Set the value from the request instead."
    ]
    assert capsys.readouterr().err == ""


def test_invalid_utf8_and_nul_bytes_in_the_project(tmp_path):
    """The plugin reads the whole project for its index: broken files there are skipped.

    The NUL-byte files are not handed to flake8 itself: some Python 3.11 releases raise
    ValueError in ``compile`` for them, which flake8 (not the plugin) does not catch.
    """
    _write(
        tmp_path,
        {
            "app.py": PUT_HEADER + "    user = load(user_id)\n    user.credits += 1\n",
            "latin1.py": b"# caf\xe9\nfrom fastapi import APIRouter\nrouter = APIRouter()\n",
            "nul.py": b"from fastapi import APIRouter\x00\n",
            "urls.py": b"from django.urls import path\nurlpatterns = [\x00]\n",
        },
    )
    result = flake8("--isolated", "--select=IDM,E902,E999", "app.py", "latin1.py", cwd=tmp_path)
    assert "Traceback" not in result.stderr, result.stderr
    assert set(_codes(result.stdout)) <= {"IDM001", "E902", "E999"}
    assert "IDM001" in _codes(result.stdout)


def test_mutual_imports_and_recursive_helpers(tmp_path):
    """Classes that inherit from each other across modules, and helpers that call themselves,
    end the analysis without a finding or an error; the PUT handler beside them, which calls
    such a helper, is still reported."""
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": """\
                from pkg.b import B, router

                class A(B):
                    def put(self, request):
                        return helper(1)

                def helper(n):
                    return helper(n - 1) if n else other(n)

                def other(n):
                    return helper(n)
            """,
            "pkg/b.py": """\
                from pkg.a import A, router

                class B(A):
                    pass

                @router.put("/loop")
                def loop():
                    return loop()
            """,
            "pkg/api.py": """\
                from fastapi import APIRouter

                from pkg.a import A

                router = APIRouter()


                class Loop(A):
                    def put(self, request):
                        return None


                def again(user):
                    return again(user)


                @router.put("/users/{user_id}")
                def put_user(user_id: int):
                    user = load(user_id)
                    again(user)
                    user.credits += 1
            """,
        },
    )
    result = _lint(tmp_path)
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "./pkg/api.py:21:5: IDM001 PUT /users/{user_id} increments credits (+=); a retried PUT adds again. "
        "Set the value from the request instead."
    ]


def test_helper_chains_stop_at_the_configured_depth(tmp_path):
    chain = "".join(f"def level_{n}(user):\n    return level_{n + 1}(user)\n\n\n" for n in range(1, 4))
    source = chain + "def level_4(user):\n    user.credits += 1\n\n\n" + PUT_HEADER + "    level_1(load(user_id))\n"
    _write(tmp_path, {"app.py": source})
    assert _codes(_lint(tmp_path).stdout) == []
    assert _codes(_lint(tmp_path, "--idm-call-depth=4").stdout) == ["IDM001"]


def test_decorator_factory_returning_itself_and_rebound_names(tmp_path):
    rebinds = "".join(f"router = router if {n} else APIRouter()\n" for n in range(500))
    _write(
        tmp_path,
        {
            "app.py": f"""\
from fastapi import APIRouter


def route(*args, **kwargs):
    return route


router = APIRouter()
{rebinds}

@route("/x")
@route(route)
def weird():
    return None


@router.put("/users/{{user_id}}")
def put_user(user_id: int):
    user = load(user_id)
    user.credits += 1
""",
        },
    )
    assert _codes(_lint(tmp_path).stdout) == ["IDM001"]


def test_past_the_budget_a_file_gets_one_warning_and_no_findings(tmp_path):
    body = "".join(f"    user.field_{n} += {n}\n" for n in range(3000))
    _write(tmp_path, {"slow.py": PUT_HEADER + "    user = load(user_id)\n" + body})
    result = flake8("--isolated", "--select=IDM", "--idm-file-budget=1000", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "flake8-idempotency: ./slow.py: skipped, analysis went past 1000 steps (--idm-file-budget)"
    ]
    assert "IDM001" in flake8("--isolated", "--select=IDM", ".", cwd=tmp_path).stdout  # the default budget


def test_a_broken_rule_is_contained_and_named_once(tmp_path, monkeypatch):
    from flake8_idempotency.rules import idm001

    def broken(endpoint, context):
        raise ValueError("boom")
        yield

    monkeypatch.setattr(idm001, "check", broken)
    put_and_delete = PUT_HEADER + (
        "    user = load(user_id)\n    user.credits += 1\n\n\n"
        '@router.delete("/files/{name}")\ndef delete_file(name: str):\n    import os\n    os.remove(name)\n'
    )
    _write(tmp_path, {"a.py": put_and_delete, "b.py": put_and_delete})
    result = flake8("--isolated", "--select=IDM", ".", cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "flake8-idempotency: ./a.py: IDM001 skipped, internal error: ValueError('boom')",
        "flake8-idempotency: ./b.py: IDM001 skipped, internal error: ValueError('boom')",
    ]
    assert sorted(_codes(result.stdout)) == ["IDM003", "IDM003"]


def test_the_projects_code_is_never_run(tmp_path):
    marker = tmp_path / "EXECUTED"
    poison = f"open({str(marker)!r}, 'w').write('ran')\nimport sys\nsys.exit(3)\n"
    _write(
        tmp_path,
        {
            "setup.py": poison,
            "conftest.py": poison,
            "shop/__init__.py": poison,
            "shop/models.py": poison + "class Order: pass\n",
            "shop/base.py": poison
            + "from rest_framework.viewsets import ModelViewSet\nclass Base(ModelViewSet):\n    pass\n",
            "shop/views.py": """\
                from shop.base import Base
                from shop.models import Order


                class OrderViewSet(Base):
                    def destroy(self, request, pk=None):
                        Order.objects.get(pk=pk).delete()
            """,
        },
    )
    lint = _lint(tmp_path)
    summary = cli("summary", cwd=tmp_path)
    assert not marker.exists()
    assert _codes(lint.stdout) == ["IDM003"]
    assert summary.returncode == 1 and "Traceback" not in summary.stderr


def test_astroid_never_loads_extension_modules():
    """The one endpoint only astroid resolves (a star import of a computed ``__all__``) is found,
    and astroid was never allowed to import compiled modules for it."""
    import astroid

    crossfile = FIXTURES / "projects" / "crossfile"
    result = flake8("--isolated", "--select=IDM", "--idm-show-endpoints", ".", cwd=crossfile)
    assert "IDM000 endpoint DELETE ? drf LegacyNoteView.delete" in result.stdout
    assert astroid.MANAGER.always_load_extensions is False


@pytest.mark.parametrize("project", ["django_project", "fastapi_project", "flask_project"])
def test_same_findings_in_the_same_order_every_time(project):
    """Three runs in one process, as an editor lints: nothing the last run read changes the next
    (two jobs against one: ``test_end_to_end.py``)."""
    directory = FIXTURES / "projects" / project
    runs = [flake8("--isolated", "--select=IDM", ".", cwd=directory).stdout for _ in range(3)]
    assert runs[0] and runs[0] == runs[1] == runs[2]
