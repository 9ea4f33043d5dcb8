"""What every rule shares: the rule type, its input (RuleContext) and the summary check
it counts toward. A rule module satisfies ``Rule``: adding a code is adding a module."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

from ..analysis.budget import UNLIMITED, Budget
from ..analysis.handler_body import BodyNode, walk_handler
from ..analysis.origins import Origins
from ..config import Config
from ..model.endpoint import Endpoint
from ..model.finding import Finding
from ..model.project import FactCollector, ProjectFacts
from ..model.source import SourceFile

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.project_modules import ProjectResolver


class SummaryCheck(NamedTuple):
    """A line of the project summary: which endpoints a rule judges, and what passing is called."""

    #: The key in the summary's JSON (``put``).
    name: str
    #: What is counted (``PUT endpoints``) and what passing is called (``idempotent``).
    counted: str
    passing: str
    #: Where the summary lists it (checks of several rules share one line).
    rank: int


PUT_CHECK = SummaryCheck("put", "PUT endpoints", "idempotent", rank=1)
DELETE_CHECK = SummaryCheck("delete", "DELETE endpoints", "idempotent", rank=2)
CRITICAL_POST_CHECK = SummaryCheck("critical_post", "critical POST endpoints", "protected", rank=3)


class RuleContext:
    """One file's analysis, shared by every rule that runs on it."""

    def __init__(
        self,
        source: SourceFile,
        config: Config,
        endpoints: list[Endpoint] | None = None,
        resolver: ProjectResolver | None = None,
        index: ProjectFacts | None = None,
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
        #: What a detector worked out once for this file (a handler's walked body, the
        #: file's app guards), kept under the detector's own key for the other endpoints
        #: and rules of the same file.
        self.memo: dict[object, object] = {}

    def body(self, endpoint: Endpoint) -> list[BodyNode]:
        """The handler body, helpers included (this file and the project's other modules),
        walked once per endpoint whichever rules ask."""
        key = ("body", id(endpoint.handler), endpoint.method, id(endpoint.body[0]) if endpoint.body else 0)
        walked = self.memo.get(key)
        if walked is None:
            walked = self.memo[key] = list(
                walk_handler(endpoint, self.source, self.config.call_depth, self.resolver, self.budget)
            )
        return walked  # type: ignore[return-value]

    def origins(self, endpoint: Endpoint) -> Origins:
        """Where the handler's values come from (its names, per function), worked out once
        per endpoint whichever rules ask."""
        key = ("origins", id(endpoint.handler))
        origins = self.memo.get(key)
        if not isinstance(origins, Origins):
            origins = self.memo[key] = Origins(endpoint, self.source)
        return origins

    def finding(self, code: str, at: BodyNode | ast.AST, message: str) -> Finding:
        line = at.line if isinstance(at, BodyNode) else getattr(at, "lineno", 1)
        col = at.col if isinstance(at, BodyNode) else getattr(at, "col_offset", 0)
        return Finding(line, col, code, message)


@runtime_checkable
class Rule(Protocol):
    """One code. Rule modules are its implementations (``rules/idm001.py`` ...)."""

    CODE: str
    #: The summary line this rule's endpoints count toward.
    CHECK: SummaryCheck
    #: How the summary's fail detail says what is wrong, after the endpoint's name.
    SUMMARY: str
    #: How often a report is a real problem, as SARIF's ``precision`` says it.
    PRECISION: str

    def facts(self, config: Config) -> tuple[FactCollector, ...]:
        """Project-wide facts the rule reads from every file (the index gathers them)."""
        ...

    def applies(self, endpoint: Endpoint, context: RuleContext) -> bool:
        """Does this rule's check cover the endpoint?"""
        ...

    def check(self, endpoint: Endpoint, context: RuleContext) -> Iterator[Finding]:
        """The findings for one endpoint."""
        ...
