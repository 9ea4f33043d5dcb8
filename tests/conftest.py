"""Shared helpers: run the real flake8 and the real command line as subprocesses."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import sys
from pathlib import Path

import pytest

# The project index keeps a cache between runs; tests share one of their own.
os.environ.setdefault("FLAKE8_IDEMPOTENCY_CACHE", tempfile.mkdtemp(prefix="idm-cache-"))

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent

_ANNOTATION = re.compile(r"#\s*endpoint:\s*(.+?)\s*$")


def run(args: list[str], cwd: Path | str = REPO, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_with_env(args, cwd=cwd, stdin=stdin)


def run_with_env(args: list[str], cwd: Path | str = REPO, stdin: str | None = None, env=None):
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def flake8(*args: str, cwd: Path | str = REPO, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """A real ``flake8`` run, isolated from any config of the repo unless ``cwd`` has one."""
    return run(["-m", "flake8", *args], cwd=cwd, stdin=stdin)


def cli(*args: str, cwd: Path | str = REPO) -> subprocess.CompletedProcess[str]:
    return run(["-m", "flake8_idempotency.cli", *args], cwd=cwd)


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


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def pytest_addoption(parser):
    parser.addoption(
        "--long", action="store_true", help="run the fuzz and sweep tests at their large sizes (minutes, not seconds)"
    )


@pytest.fixture
def long_run(request) -> bool:
    return request.config.getoption("--long")
