"""Shared helpers: real flake8 and the real command line, in this process or as subprocesses.

``flake8()`` and ``cli()`` run in this process through flake8's own ``main`` and the
command line's ``main``: option parsing, config files, ``noqa`` and the plugin's
``parse_options`` (which starts a new run) are the real ones; only the process is
shared. ``flake8_process()`` and ``cli_process()`` start the installed commands, for
the few end-to-end tests (``tests/test_end_to_end.py``).
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest
from flake8.main.cli import main as flake8_main
from flake8.options.parse_args import parse_args
from flake8.processor import FileProcessor
from flake8.utils import stdin_get_value

from flake8_idempotency.cli import main as cli_main
from flake8_idempotency.plugin import IdempotencyChecker

# The project index keeps a cache between runs; tests share one of their own.
os.environ.setdefault("FLAKE8_IDEMPOTENCY_CACHE", tempfile.mkdtemp(prefix="idm-cache-"))

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent
BIN = Path(sys.executable).parent

_ANNOTATION = re.compile(r"#\s*endpoint:\s*(.+?)\s*$")
_EXPECTED = re.compile(r"#\s*error:\s*(IDM\d{3}(?:\s*,\s*IDM\d{3})*)")


class Result(NamedTuple):
    """What a run printed and returned, in process or not (``subprocess.CompletedProcess``'s names)."""

    returncode: int
    stdout: str
    stderr: str


def flake8(*args: str, cwd: Path | str = REPO, stdin: str | None = None) -> Result:
    """A real flake8 run in this process, with one job (a pool would fork pytest)."""
    assert not [arg for arg in args if arg.startswith(("-j", "--jobs"))], "-jN runs are end-to-end tests"
    return _in_process(flake8_main, ["--jobs=1", *args], cwd, stdin)


def cli(*args: str, cwd: Path | str = REPO) -> Result:
    """The ``flake8-idempotency`` command line in this process."""
    return _in_process(cli_main, list(args), cwd, None)


def _in_process(main, argv: list[str], cwd: Path | str, stdin: str | None) -> Result:
    """``main(argv)`` in ``cwd``; stdout, stderr and the exit code captured the way a process shows them."""
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # flake8 writes to sys.stdout.buffer
    stderr = io.StringIO()
    stdin_stream = io.TextIOWrapper(io.BytesIO((stdin or "").encode("utf-8")), encoding="utf-8")
    stdin_get_value.cache_clear()  # flake8 keeps what it read from stdin for the process's life
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            sys.stdin, real_stdin = stdin_stream, sys.stdin
            try:
                returncode = main(argv)
            except SystemExit as error:
                returncode = _exit_status(error.code, stderr)
            finally:
                sys.stdin = real_stdin
    finally:
        os.chdir(previous)
        stdin_get_value.cache_clear()
    stdout.flush()
    return Result(returncode, stdout.buffer.getvalue().decode("utf-8"), stderr.getvalue())


def _exit_status(code: int | str | None, stderr: io.StringIO) -> int:
    """What the interpreter does with ``SystemExit(code)``: a message goes to stderr with status 1."""
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=stderr)
    return 1


def flake8_process(*args: str, cwd: Path | str = REPO, stdin: str | None = None) -> Result:
    """The installed ``flake8`` command."""
    return _process([str(BIN / "flake8"), *args], cwd, stdin)


def cli_process(*args: str, cwd: Path | str = REPO) -> Result:
    """The installed ``flake8-idempotency`` command."""
    return _process([str(BIN / "flake8-idempotency"), *args], cwd, None)


def _process(command: list[str], cwd: Path | str, stdin: str | None) -> Result:
    done = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300)
    return Result(done.returncode, done.stdout, done.stderr)


def expected_endpoints(path: Path) -> set[tuple[int, str, str]]:
    """``(line, METHOD, path)`` from the ``# endpoint: PUT /x, DELETE ?`` annotations."""
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _ANNOTATION.search(line)
        if match:
            for entry in match.group(1).split(","):
                method, _, route = entry.strip().partition(" ")
                expected.add((number, method, route.strip()))
    return expected


def project_endpoints(project: Path, paths: list[Path] | None = None) -> set[tuple[str, int, str, str]]:
    """``(file, line, METHOD, path)`` annotated in a fixture project's files (all of them by default)."""
    return {
        (path.relative_to(project).as_posix(), line, method, route)
        for path in (paths if paths is not None else sorted(project.rglob("*.py")))
        for line, method, route in expected_endpoints(path)
    }


def expected_findings(path: Path) -> set[tuple[int, str]]:
    """``(line, code)`` from the ``# error: IDM001`` (or ``# error: IDM001, IDM004``) markers."""
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match:
            expected.update((number, code.strip()) for code in match.group(1).split(","))
    return expected


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def pytest_addoption(parser):
    parser.addoption(
        "--long", action="store_true", help="run the fuzz and sweep tests at their large sizes (minutes, not seconds)"
    )
    parser.addoption(
        "--update-snapshots", action="store_true", help="rewrite the snapshot files from what the plugin reports now"
    )


@pytest.fixture
def long_run(request) -> bool:
    return request.config.getoption("--long")


class Snapshots:
    """Reviewed output in files: a difference fails with a diff, or is written with ``--update-snapshots``."""

    def __init__(self, update: bool) -> None:
        self.update = update

    def check(self, path: Path, actual: str) -> None:
        if self.update:
            if not path.exists() or path.read_text(encoding="utf-8") != actual:
                path.write_text(actual, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"no snapshot {path.relative_to(REPO)}: run pytest --update-snapshots and review it")
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"{path.relative_to(REPO)} (snapshot)",
                tofile="reported now",
            )
            pytest.fail(
                "output differs from the snapshot (pytest --update-snapshots rewrites it):\n" + "".join(diff),
                pytrace=False,
            )


@pytest.fixture
def snapshots(request) -> Snapshots:
    return Snapshots(request.config.getoption("--update-snapshots"))


def plugin_findings(path: Path, *options: str) -> list[str]:
    """``line:col: message`` from the plugin alone, called the way flake8 calls it.

    flake8 parses the options (the plugin's ``parse_options`` included) and reads the
    file; only pycodestyle and pyflakes, which flake8 would run on every line too, are
    left out: on a 100,000-line file they take seconds, the plugin a fraction of one.
    """
    previous = os.getcwd()
    os.chdir(path.parent)
    try:
        _, parsed = parse_args(["--isolated", *options, path.name])
        processor = FileProcessor(path.name, parsed)
        checker = IdempotencyChecker(processor.build_ast(), path.name, processor.lines)
        return [f"{line}:{col + 1}: {message}" for line, col, message, _ in checker.run()]
    finally:
        os.chdir(previous)
