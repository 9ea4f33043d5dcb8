"""Fuzz and sweep: generated programs and real code through the plugin, no surprises.

Zero internal errors (the plugin names any on stderr) and zero findings outside
the PUT/DELETE/POST handlers it reports as endpoints (IDM000). The plugin is
called the way flake8 calls it, after flake8 parsed its options; pycodestyle and
pyflakes are left out, so the time goes to generating programs. Sizes fit every
run (SIZES: generated programs as modules, most of which stop at the text
pre-filter, and as handler bodies, which every rule reads; a share of the
standard library); ``pytest --long`` runs 20,000 programs and the whole
standard library.
"""

from __future__ import annotations

import ast
import sysconfig
import textwrap
import warnings
from pathlib import Path

import hypothesmith
import pytest
from flake8.options.parse_args import parse_args
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_idempotency.plugin import IdempotencyChecker

pytestmark = pytest.mark.slow

#: Generated modules, generated handler bodies, every n-th standard-library module: default and ``--long``.
SIZES = {False: (50, 100, 20), True: (10_000, 10_000, 1)}
HANDLER_PREFIX = (
    "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
    '@router.{method}("/orders/{{order_id}}")\ndef handler(order_id: int):\n'
)
CHECKED_METHODS = ("IDM000 endpoint PUT ", "IDM000 endpoint DELETE ", "IDM000 endpoint POST ")


@pytest.fixture(scope="module")
def programs() -> st.SearchStrategy[str]:
    """Built once: building the grammar's parser takes about as long as generating 30 programs."""
    return hypothesmith.from_grammar()


@pytest.fixture
def checker(tmp_path) -> type[IdempotencyChecker]:
    """The plugin class after flake8 parsed the options, endpoints shown, the project an empty directory;
    checked first on a handler it must report, so that silence below means something."""
    parse_args(["--isolated", "--idm-show-endpoints", f"--idm-project-root={tmp_path}", "generated.py"])
    source = HANDLER_PREFIX.format(method="put") + "    order = load(order_id)\n    order.total += 1\n"
    lines = source.splitlines(keepends=True)
    messages = [message for _, _, message, _ in IdempotencyChecker(ast.parse(source), "handler.py", lines).run()]
    assert [message.split()[0] for message in messages] == ["IDM000", "IDM001"]
    return IdempotencyChecker


def _check(checker: type[IdempotencyChecker], source: str, filename: str, capsys) -> list[str]:
    """The plugin's messages for ``source``, after checking them; [] for what flake8 would not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # odd but valid generated code
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []  # flake8 reports E999 for these; the plugin never sees a tree
    reported = list(checker(tree, filename, source.splitlines(keepends=True)).run())
    assert "flake8-idempotency" not in capsys.readouterr().err
    functions = {
        (node.lineno, node.col_offset): node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    spans = [
        (line, functions[(line, col)].end_lineno)
        for line, col, message, _ in reported
        if message.startswith(CHECKED_METHODS)
    ]
    for line, _col, message, _ in reported:
        if not message.startswith("IDM000 "):
            assert any(first <= line <= last for first, last in spans), (message, source)
    return [message for _, _, message, _ in reported]


def _fuzz_settings(examples: int, long_run: bool):
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=not long_run,
        suppress_health_check=list(HealthCheck),
    )


def test_generated_modules(programs, checker, long_run, capsys):
    @_fuzz_settings(SIZES[long_run][0], long_run)
    @given(programs)
    def check(program: str) -> None:
        _check(checker, program, "generated.py", capsys)

    check()


def test_generated_handler_bodies(programs, checker, long_run, capsys):
    endpoints = []

    @_fuzz_settings(SIZES[long_run][1], long_run)
    @given(programs, st.sampled_from(["put", "delete", "post"]))
    def check(program: str, method: str) -> None:
        body = textwrap.indent(program, "    ") if program.strip() else "    pass\n"
        reported = _check(checker, HANDLER_PREFIX.format(method=method) + body, "handler.py", capsys)
        endpoints.extend(message for message in reported if message.startswith(CHECKED_METHODS))

    check()
    assert len(endpoints) >= SIZES[long_run][1] // 2  # the handler is seen as one, so the rules ran on the bodies


def _stdlib_files(long_run: bool) -> list[Path]:
    files = sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py"))
    return [path for path in files if "site-packages" not in path.parts][:: SIZES[long_run][2]]


def test_the_standard_library(checker, long_run, capsys):
    files = _stdlib_files(long_run)
    assert len(files) >= 30  # Debian's python3 ships ~670 stdlib modules, pyenv's ~1,800
    endpoints = 0
    for path in files:
        source = path.read_bytes().decode("utf-8", errors="replace")
        endpoints += sum(message.startswith("IDM000 ") for message in _check(checker, source, str(path), capsys))
    assert endpoints == 0  # the standard library declares no web endpoint
