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

import argparse
import ast
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .analysis.prefilter import may_be_routed_elsewhere, may_declare_endpoints
from .config import Config, ConfigError, pyproject_table
from .project.files import ProjectTree
from .project.openapi import SpecRoutes

if TYPE_CHECKING:  # pragma: no cover
    from .analysis.budget import Budget
    from .analysis.project_modules import ProjectResolver
    from .model.endpoint import Endpoint
    from .model.finding import Finding
    from .project.index import ProjectIndex
    from .rules import RuleContext

#: IDM000, opt-in (``--idm-show-endpoints``): the inventory as flake8 output.
ENDPOINT_MESSAGE = "IDM000 endpoint {method} {path} {framework} {handler}"


class LintRun:
    """Everything one run knows: the options, and what it read of the project.

    Made when flake8 parses its options (``plugin.py``) or when the command starts
    (``cli.py``), and passed down; dropped with the run, so an editor that lints many
    times in one process (VS Code) sees the project as it is now. The project's other
    modules a file reads stay parsed while it is analysed (the most recent, up to 2,000
    lines, until the next file: ``ModuleCache``), and the index is built at most once.
    """

    def __init__(self, config: Config, exclude: Sequence[str] = ()) -> None:
        self.config = config
        self.tree = ProjectTree(os.path.abspath(config.project_root), exclude)
        self.specs = SpecRoutes(self.tree, lambda: self.resolver)
        self._resolver: ProjectResolver | None = None
        self._index: ProjectIndex | None = None

    @classmethod
    def from_options(cls, options: argparse.Namespace) -> LintRun:
        """From the options flake8 parsed (command line and config files) and, unless
        flake8 runs ``--isolated``, ``[tool.flake8-idempotency]`` in ``pyproject.toml``: the
        one loader behind flake8 and the command line. A bad value stops the run with
        one line naming the option and what it accepts (exit code 2, a usage error)."""
        try:
            table = {} if getattr(options, "isolated", False) else pyproject_table(os.getcwd())
            exclude = [*(getattr(options, "exclude", None) or ()), *(getattr(options, "extend_exclude", None) or ())]
            return cls(Config.from_values(vars(options), table), exclude)
        except ConfigError as error:
            print(error, file=sys.stderr)
            raise SystemExit(2) from None

    @property
    def resolver(self) -> ProjectResolver:
        if self._resolver is None:
            from .analysis.project_modules import ProjectResolver

            self._resolver = ProjectResolver()
        return self._resolver

    @property
    def index(self) -> ProjectIndex:
        """What the project's other files say; imports discovery and the rules, so only
        built once a file declares something or may be routed from elsewhere."""
        if self._index is None:
            from .project.index import ProjectIndex
            from .rules import RULES

            collectors = tuple(collector for rule in RULES for collector in rule.facts(self.config))
            self._index = ProjectIndex(self.tree, self.specs, self.resolver, collectors, cache_key=repr(self.config))
        return self._index

    def routed_elsewhere(self, text: str, filename: str) -> bool:
        """Could another file give this file's functions methods: a registration call of a
        framework it names (the project index says), or an OpenAPI spec (Connexion)?"""
        return may_be_routed_elsewhere(text) or self.specs.routes(filename)


class EndpointReport:
    """One endpoint with what the rules said about it (the summary's unit)."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.findings: list[Finding] = []
        #: Check name (``put``, ``delete``, ``critical_post``) -> passed, for the checks
        #: that apply to this endpoint.
        self.checks: dict[str, bool] = {}
        #: Findings flake8 would not report (``noqa``, ``ignore``) or a baseline knows,
        #: with why: they no longer fail the endpoint's checks.
        self.suppressed: list[tuple[Finding, str]] = []

    def recheck(self) -> None:
        """The checks again, from the findings still standing."""
        from .rules import RULES

        failing = {rule.CHECK.name for rule in RULES for finding in self.findings if finding.code == rule.CODE}
        self.checks = {name: name not in failing for name in self.checks}


class FileResult:
    def __init__(self, skipped: str | None = None) -> None:
        self.reports: list[EndpointReport] = []
        #: What flake8 reports: every endpoint's findings, one per line and code.
        self.findings: list[Finding] = []
        #: Why the file got no analysis (a syntax error, the budget, an internal error).
        self.skipped = skipped

    @property
    def endpoints(self) -> list[Endpoint]:
        return [report.endpoint for report in self.reports]


def analyze(tree: ast.Module, filename: str, lines: list[str], run: LintRun) -> FileResult:
    config = run.config
    result = FileResult()
    try:
        # The cheap questions first: most files stop at the text, or at the file listing.
        text = "".join(lines)
        declares = may_declare_endpoints(text)
        elsewhere = run.routed_elsewhere(text, filename)
        if not declares and not (elsewhere and run.index.registrations_for(filename)):
            return result
    except (Exception, RecursionError) as error:  # never crash flake8
        _warn(f"{filename}: skipped, internal error reading the project: {error!r}")
        return FileResult(skipped="internal error")
    from .analysis.budget import Budget

    budget = Budget(config.file_budget)
    with run.resolver.file_scope():
        return _analyze_declaring(tree, filename, lines, run, elsewhere, budget)


def _analyze_declaring(
    tree: ast.Module, filename: str, lines: list[str], run: LintRun, elsewhere: bool, budget: Budget
) -> FileResult:
    """A file that passed the cheap questions: discovery, then every rule."""
    from .analysis.budget import BudgetExceeded
    from .discovery import discover_endpoints
    from .model.source import SourceFile

    config = run.config
    result = FileResult()
    try:
        source = SourceFile.from_tree(tree, filename, lines)
        endpoints = discover_endpoints(source, run.resolver, lambda: run.index, elsewhere)
        if not endpoints:
            return result
        from .rules import RuleContext

        context = RuleContext(source, config, endpoints, run.resolver, run.index, budget)
        failed: set[str] = set()
        result.reports = [_report(endpoint, context, failed) for endpoint in endpoints]
    except BudgetExceeded as error:
        _warn(f"{filename}: skipped, {error} (--idm-file-budget)")
        return FileResult(skipped="over the analysis budget")
    except (Exception, RecursionError) as error:  # never crash flake8
        _warn(f"{filename}: skipped, internal error in discovery: {error!r}")
        return FileResult(skipped="internal error")
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


def analyze_path(filename: str, options: argparse.Namespace, run: LintRun) -> tuple[FileResult, list[str]]:
    """One file read and parsed the way flake8 does (encoding, BOM), then analysed, with
    its lines (for ``noqa``): for the command line and the summary formatter, which see
    files, not flake8's trees."""
    from flake8.processor import FileProcessor

    try:
        processor = FileProcessor(filename, options)
    except (OSError, UnicodeError, ValueError):
        return FileResult(skipped="unreadable (E902)"), []
    try:
        tree = processor.build_ast()
    except (SyntaxError, ValueError, UnicodeError, RecursionError, MemoryError):
        return FileResult(skipped="syntax error (E999)"), processor.lines
    return analyze(tree, filename, processor.lines, run), processor.lines


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
        report.checks[rule.CHECK.name] = report.checks.get(rule.CHECK.name, True) and not found
    return report


def _warn(message: str) -> None:
    print(f"flake8-idempotency: {message}", file=sys.stderr)


def _endpoint_finding(endpoint: Endpoint) -> Finding:
    from .model.finding import Finding

    message = ENDPOINT_MESSAGE.format(
        method=endpoint.method,
        path=endpoint.path if endpoint.path is not None else "?",
        framework=endpoint.framework,
        handler=endpoint.qualified_handler,
    )
    return Finding(endpoint.line, endpoint.handler.col_offset, "IDM000", message)
