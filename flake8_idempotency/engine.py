"""One file in, endpoints and findings out: the path every front end shares.

flake8 (``plugin.py``) and the command line (``cli.py``) both call ``analyze``.
Most files stop at the text pre-filter (``analysis/prefilter.py``), or at the
question whether an OpenAPI spec routes into them, and import nothing more:
flake8 imports every plugin at start-up and editors start flake8 for every lint.
Discovery is imported on the first file that passes, the rules on the first file
with an endpoint. A failure inside the analysis is reported once on stderr and
never escapes.
"""

from __future__ import annotations

import ast
import os
import sys
from typing import TYPE_CHECKING

from .analysis.openapi import forget_operations, routed_by_spec
from .analysis.prefilter import may_be_routed_elsewhere, may_declare_endpoints
from .analysis.project_files import forget_scans
from .config import Config

if TYPE_CHECKING:  # pragma: no cover
    from .analysis.project import ProjectResolver
    from .analysis.project_index import ProjectIndex
    from .discovery import Endpoint
    from .rules import Finding, RuleContext

#: IDM000, opt-in (``--idm-show-endpoints``): the inventory as flake8 output.
ENDPOINT_MESSAGE = "IDM000 endpoint {method} {path} {framework} {handler}"

#: Per run: the project's other modules stay parsed between files, and what the
#: project's other files say is read once per configuration (root and options).
_RESOLVERS: list[ProjectResolver] = []
_INDEXES: dict[Config, ProjectIndex] = {}


def new_run() -> None:
    """Forget what the last run read: an editor lints many times in one process
    (VS Code's in-process mode) and the project changes in between."""
    _RESOLVERS.clear()
    _INDEXES.clear()
    forget_scans()
    forget_operations()
    if "flake8_idempotency.analysis.project" in sys.modules:  # imported only once a file needed it
        sys.modules["flake8_idempotency.analysis.project"].forget_module_layout()


def resolver() -> ProjectResolver:
    if not _RESOLVERS:
        from .analysis.project import ProjectResolver

        _RESOLVERS.append(ProjectResolver())
    return _RESOLVERS[0]


def project_index(config: Config) -> ProjectIndex:
    if config not in _INDEXES:
        from .analysis.project_index import ProjectIndex

        _INDEXES[config] = ProjectIndex(config.project_root, config)
    return _INDEXES[config]


def routed_elsewhere(text: str, filename: str, config: Config) -> bool:
    """Could another file give this file's functions methods: a registration call of a
    framework it names (the project index says), or an OpenAPI spec (Connexion)?"""
    return may_be_routed_elsewhere(text) or routed_by_spec(os.path.abspath(config.project_root), filename)


class EndpointReport:
    """One endpoint with what the rules said about it (the summary's unit)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.findings: list[Finding] = []
        #: Check name (``put``, ``delete``, ``critical_post``) -> passed, for the checks
        #: that apply to this endpoint.
        self.checks: dict[str, bool] = {}


class FileResult:
    def __init__(self) -> None:
        self.reports: list[EndpointReport] = []
        #: What flake8 reports: every endpoint's findings, one per line and code.
        self.findings: list[Finding] = []

    @property
    def endpoints(self) -> list[Endpoint]:
        return [report.endpoint for report in self.reports]


def analyze(tree: ast.Module, filename: str, lines: list[str], config: Config) -> FileResult:
    result = FileResult()
    try:
        # The cheap questions first: most files stop at the text, or at the file listing.
        text = "".join(lines)
        declares = may_declare_endpoints(text)
        elsewhere = routed_elsewhere(text, filename, config)
        if not declares and not (elsewhere and project_index(config).registrations_for(filename)):
            return result
    except (Exception, RecursionError) as error:  # never crash flake8
        _warn(f"{filename}: skipped, internal error reading the project: {error!r}")
        return result
    from .analysis.budget import Budget, BudgetExceeded
    from .analysis.source import SourceFile
    from .discovery import discover_endpoints

    budget = Budget(config.file_budget)
    try:
        source = SourceFile.from_tree(tree, filename, lines)
        endpoints = discover_endpoints(source, resolver(), lambda: project_index(config), elsewhere)
        if not endpoints:
            return result
        from .rules import RuleContext

        context = RuleContext(source, config, endpoints, resolver(), project_index(config), budget)
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
    from .analysis.budget import BudgetExceeded
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
