"""What every rule shares: its input (RuleContext) and its output (Finding)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from ..analysis.budget import UNLIMITED, Budget
from ..analysis.handler_body import BodyNode, walk_handler
from ..analysis.project import ProjectResolver
from ..analysis.project_index import ProjectIndex
from ..analysis.source import SourceFile
from ..config import Config
from ..discovery.model import Endpoint


class Finding(NamedTuple):
    line: int
    col: int
    code: str
    message: str  # starts with the code, as flake8 expects


class RuleContext:
    """One file's analysis, shared by every rule that runs on it."""

    def __init__(
        self,
        source: SourceFile,
        config: Config,
        endpoints: list[Endpoint] | None = None,
        resolver: ProjectResolver | None = None,
        index: ProjectIndex | None = None,
        budget: Budget = UNLIMITED,
    ) -> None:
        self.source = source
        self.config = config
        #: Every endpoint of the file (a rule may look at the app around an endpoint).
        self.endpoints = endpoints if endpoints is not None else []
        #: The project's other modules (calls into them are followed); None: this file only.
        self.resolver = resolver
        #: What the project's other files say (routes, app-level handlers and guards).
        self.index = index
        self.budget = budget

    def body(self, endpoint: Endpoint) -> Iterator[BodyNode]:
        """The handler body, helpers included (this file and the project's other modules)."""
        return walk_handler(endpoint, self.source, self.config.call_depth, self.resolver, self.budget)

    def finding(self, code: str, at: BodyNode | ast.AST, message: str) -> Finding:
        line = at.line if isinstance(at, BodyNode) else getattr(at, "lineno", 1)
        col = at.col if isinstance(at, BodyNode) else getattr(at, "col_offset", 0)
        return Finding(line, col, code, message)
