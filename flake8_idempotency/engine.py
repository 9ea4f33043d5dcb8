"""One file in, endpoints and findings out: the path every front end shares.

flake8 (``plugin.py``) and the command line (``cli.py``) both call ``analyze``.
A file that cannot be a web module stops at the text pre-filter; a failure
inside the analysis is reported once on stderr and never escapes. Discovery and
the rules are imported on the first file that passes the pre-filter: flake8
imports every plugin at start-up, and editors start flake8 for every lint.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .analysis.budget import Budget, BudgetExceeded
from .analysis.project import ProjectResolver
from .analysis.project_index import ProjectIndex
from .analysis.source import SourceFile, may_contain_endpoints
from .config import Config

if TYPE_CHECKING:  # pragma: no cover
    from .discovery import Endpoint
    from .rules import Finding, RuleContext

#: IDM000, opt-in (``--idm-show-endpoints``): the inventory as flake8 output.
ENDPOINT_MESSAGE = "IDM000 endpoint {method} {path} {framework} {handler}"

#: One per process: the project's other modules stay parsed between files.
RESOLVER = ProjectResolver()
#: What the project's other files say, per configuration (root and options), built lazily.
_INDEXES: dict[Config, ProjectIndex] = {}


def project_index(config: Config) -> ProjectIndex:
    if config not in _INDEXES:
        _INDEXES[config] = ProjectIndex(config.project_root, config)
    return _INDEXES[config]


@dataclass
class EndpointReport:
    """One endpoint with what the rules said about it (the summary's unit)."""

    endpoint: Endpoint
    findings: list[Finding] = field(default_factory=list)
    #: Check name (``put``, ``delete``, ``critical_post``) -> passed, for the checks
    #: that apply to this endpoint.
    checks: dict[str, bool] = field(default_factory=dict)


@dataclass
class FileResult:
    reports: list[EndpointReport] = field(default_factory=list)
    #: What flake8 reports: every endpoint's findings, one per line and code.
    findings: list[Finding] = field(default_factory=list)

    @property
    def endpoints(self) -> list[Endpoint]:
        return [report.endpoint for report in self.reports]


def analyze(tree: ast.Module, filename: str, lines: list[str], config: Config) -> FileResult:
    result = FileResult()
    index = project_index(config)
    # The text pre-filter first: the project index reads the whole project, so a file
    # with no framework text asks only the OpenAPI specs (cheap) whether it is routed.
    if not may_contain_endpoints(lines) and not index.registers(filename):
        return result
    from .discovery import discover_endpoints
    from .rules import RuleContext

    budget = Budget(config.file_budget)
    try:
        source = SourceFile.from_tree(tree, filename, lines)
        endpoints = discover_endpoints(source, RESOLVER, index)
        context = RuleContext(source, config, endpoints, RESOLVER, index, budget)
        failed: set[str] = set()
        result.reports = [_report(endpoint, context, failed) for endpoint in endpoints]
    except BudgetExceeded as error:
        _warn(f"{filename}: skipped, {error} (--idm-file-budget)")
        return FileResult()
    except (Exception, RecursionError) as error:  # never crash flake8
        _warn(f"{filename}: skipped, internal error in discovery: {error!r}")
        return FileResult()
    unique: dict[tuple[int, int, str], Finding] = {}
    for report in result.reports:
        if config.show_endpoints:
            report_finding = _endpoint_finding(report.endpoint)
            unique[(report_finding.line, report_finding.col, report_finding.message)] = report_finding
        for finding in report.findings:
            # A handler registered under two paths is one place in the code: report it once.
            unique.setdefault((finding.line, finding.col, finding.code), finding)
    result.findings = sorted(unique.values())
    return result


def _report(endpoint: Endpoint, context: RuleContext, failed: set[str]) -> EndpointReport:
    """What every rule says of one endpoint; a rule that breaks on this file is dropped
    for the rest of it (named once on stderr) while the other rules go on."""
    from .rules import RULES

    report = EndpointReport(endpoint)
    for rule in RULES:
        if rule.CODE in failed:
            continue
        try:
            if not rule.applies(endpoint, context):
                continue
            found = list(rule.check(endpoint, context))
        except BudgetExceeded:
            raise
        except (Exception, RecursionError) as error:
            failed.add(rule.CODE)
            _warn(f"{endpoint.filename}: {rule.CODE} skipped, internal error: {error!r}")
            continue
        report.findings.extend(found)
        report.checks[rule.CHECK] = report.checks.get(rule.CHECK, True) and not found
    return report


def _warn(message: str) -> None:
    print(f"flake8-idempotency: {message}", file=sys.stderr)


def _endpoint_finding(endpoint: Endpoint) -> Finding:
    from .rules import Finding

    message = ENDPOINT_MESSAGE.format(
        method=endpoint.method,
        path=endpoint.path if endpoint.path is not None else "?",
        framework=endpoint.framework,
        handler=endpoint.qualified_handler,
    )
    return Finding(endpoint.line, endpoint.handler.col_offset, "IDM000", message)
