"""Fuzz and sweep: generated programs and real code through the plugin, no surprises.

Zero internal errors (the engine names any on stderr) and zero findings outside
the PUT/DELETE/POST handlers that discovery found. Sizes fit CI (500 generated
programs: half as modules, half as handler bodies; a tenth of the standard
library); ``pytest --long`` runs 20,000 programs and the whole standard library.
"""

from __future__ import annotations

import ast
import sysconfig
import textwrap
import warnings
from pathlib import Path

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flake8_idempotency.config import Config
from flake8_idempotency.engine import LintRun, analyze

RUN = LintRun(Config())
HANDLER_PREFIX = (
    "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
    '@router.{method}("/orders/{{order_id}}")\ndef handler(order_id: int):\n'
)


def _check(source: str, filename: str, capsys) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)  # odd but valid generated code
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # flake8 reports E999 for these; the plugin never sees a tree
    lines = source.splitlines(keepends=True)
    result = analyze(tree, filename, lines, RUN)
    assert "flake8-idempotency" not in capsys.readouterr().err
    spans = [
        (report.endpoint.handler.lineno, report.endpoint.handler.end_lineno)
        for report in result.reports
        if report.endpoint.method in ("PUT", "DELETE", "POST")
    ]
    for finding in result.findings:
        assert any(first <= finding.line <= last for first, last in spans), (finding, source)


def _fuzz_settings(long_run: bool):
    return settings(
        max_examples=10_000 if long_run else 250,
        deadline=None,
        derandomize=not long_run,
        suppress_health_check=list(HealthCheck),
    )


def test_generated_modules(long_run, capsys):
    @_fuzz_settings(long_run)
    @given(hypothesmith.from_grammar())
    def check(program: str) -> None:
        _check(program, "generated.py", capsys)

    check()


def test_generated_handler_bodies(long_run, capsys):
    @_fuzz_settings(long_run)
    @given(hypothesmith.from_grammar(start="file_input"), st.sampled_from(["put", "delete", "post"]))
    def check(program: str, method: str) -> None:
        body = textwrap.indent(program, "    ") if program.strip() else "    pass\n"
        _check(HANDLER_PREFIX.format(method=method) + body, "handler.py", capsys)

    check()


def _stdlib_files(long_run: bool) -> list[Path]:
    files = sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py"))
    files = [path for path in files if "site-packages" not in path.parts]
    return files if long_run else files[::10]


def test_the_standard_library(long_run, capsys):
    files = _stdlib_files(long_run)
    assert len(files) >= 40  # Debian's python3 ships ~670 stdlib modules, pyenv's ~1,800
    for path in files:
        source = path.read_bytes().decode("utf-8", errors="replace")
        _check(source, str(path), capsys)
