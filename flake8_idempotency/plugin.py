"""The flake8 adapter: options in, ``(line, col, message, type)`` tuples out."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from .config import OPTIONS, Config
from .engine import LintRun, analyze


class IdempotencyChecker:
    """flake8 reads the name and version from the package's metadata."""

    name = "flake8-idempotency"
    #: This flake8 run: set by ``parse_options`` (flake8's one hook per run, called in
    #: the parent before any ``-j`` worker starts, and again in each spawned worker).
    lint_run = LintRun(Config())

    def __init__(self, tree: ast.Module, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        for spec in OPTIONS:
            extra = {"action": "store_true"} if spec.is_flag else {}
            option_manager.add_option(spec.flag, default=spec.default, parse_from_config=True, help=spec.help, **extra)

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """A new run: what the last one read of the project is dropped with it."""
        cls.lint_run = LintRun.from_options(options)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        for finding in analyze(self.tree, self.filename, self.lines, self.lint_run).findings:
            yield finding.line, finding.col, finding.message, type(self)
