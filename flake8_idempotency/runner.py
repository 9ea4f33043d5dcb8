"""The engine over a whole set of files, as flake8 would run it: the summary's source.

The command line and the ``idm-summary`` report plugin both get their summary here,
so they agree with flake8 and with each other: the files are flake8's (its
``exclude``/``extend-exclude`` and ``filename`` patterns), each file is read the way
flake8 reads it, and a finding counts only when flake8's own style guide would report
it (``# noqa``, ``ignore``/``extend-ignore``, ``per-file-ignores``). What flake8 would
not report is kept as suppressed, so a reviewer can still see it.
"""

from __future__ import annotations

import argparse
import copy
from collections import Counter
from collections.abc import Callable, Sequence

from .engine import EndpointReport, LintRun, analyze_path
from .model.finding import Finding

#: (filename, finding, the finding's physical line) -> would flake8 report it?
Decision = Callable[[str, Finding, str | None], bool]


class ProjectRun:
    """Every file's endpoint reports, with what was suppressed and what was skipped."""

    def __init__(self) -> None:
        self.files = 0
        self.reports: list[EndpointReport] = []
        #: Why files got no analysis, with how many (``syntax error (E999)``: 2).
        self.skipped: Counter[str] = Counter()
        #: Skipped files by name, for the summary to list.
        self.skipped_files: list[tuple[str, str]] = []

    @property
    def endpoints(self) -> int:
        return len(self.reports)

    def tally(self) -> str:
        """The one line a long run ends with on stderr."""
        line = f"flake8-idempotency: {self.files} files, {self.endpoints} endpoints"
        if self.skipped:
            reasons = ", ".join(f"{count} {reason}" for reason, count in sorted(self.skipped.items()))
            line += f", {sum(self.skipped.values())} files skipped ({reasons})"
        if not self.reports:
            from .knowledge.frameworks import FRAMEWORK_NAMES

            line += f"; no endpoint found (looked for routes of {', '.join(FRAMEWORK_NAMES)})"
        return line


def lint_files(filenames: Sequence[str], options: argparse.Namespace, run: LintRun) -> ProjectRun:
    """Analyse every file and apply flake8's decisions to every finding."""
    decide = flake8_decision(options)
    project = ProjectRun()
    for filename in filenames:
        project.files += 1
        result, lines = analyze_path(filename, options, run)
        if result.skipped:
            project.skipped[result.skipped] += 1
            project.skipped_files.append((filename, result.skipped))
        for report in result.reports:
            suppress(report, lambda finding: decide(filename, finding, _line(lines, finding.line)), "noqa or ignore")
            project.reports.append(report)
    return project


def expand(paths: Sequence[str], options: argparse.Namespace) -> list[str]:
    """The files flake8 would check under ``paths``, sorted."""
    from flake8.discover_files import expand_paths

    return sorted(
        expand_paths(
            paths=list(paths) or ["."],
            stdin_display_name=options.stdin_display_name,
            filename_patterns=options.filename,
            exclude=[*options.exclude, *options.extend_exclude],
        )
    )


def flake8_decision(options: argparse.Namespace) -> Decision:
    """flake8's own style guide, asked whether it would report a finding: ``noqa`` on the
    line, ``ignore``/``extend-ignore`` and ``per-file-ignores`` as the user configured
    them. ``select`` is set aside: a configuration that selects only other codes still
    gets the summary's checks (flake8's output is where ``select`` applies)."""
    from flake8.formatting.base import BaseFormatter
    from flake8.style_guide import StyleGuideManager
    from flake8.violation import Violation

    class Recorder(BaseFormatter):
        def after_init(self) -> None:
            self.reported: list[Violation] = []

        def handle(self, error: Violation) -> None:
            self.reported.append(error)

        def format(self, error: Violation) -> str | None:
            return None

    decided = copy.copy(options)
    decided.select = None
    decided.extend_select = [*(getattr(options, "extend_select", None) or []), "IDM"]
    decided.output_file = None
    recorder = Recorder(decided)
    guide = StyleGuideManager(decided, recorder)

    def decide(filename: str, finding: Finding, physical_line: str | None) -> bool:
        text = finding.message.removeprefix(finding.code).strip()
        before = len(recorder.reported)
        guide.handle_error(finding.code, filename, finding.line, finding.col, text, physical_line)
        return len(recorder.reported) > before

    return decide


def suppress(report: EndpointReport, reported: Callable[[Finding], bool], reason: str) -> None:
    """Move the findings ``reported`` turns down to the report's suppressed ones; a check
    whose findings are all suppressed passes."""
    kept = [finding for finding in report.findings if reported(finding)]
    for finding in report.findings:
        if finding not in kept:
            report.suppressed.append((finding, reason))
    report.findings = kept
    report.recheck()


def apply_baseline(project: ProjectRun, known: Counter[str]) -> None:
    """Findings a baseline holds are suppressed (each stored fingerprint once): only new
    findings still fail."""
    from .report.baseline import fingerprint

    remaining = Counter(known)

    def is_new(report: EndpointReport) -> Callable[[Finding], bool]:
        def new(finding: Finding) -> bool:
            key = fingerprint(report, finding)
            if remaining[key] > 0:
                remaining[key] -= 1
                return False
            return True

        return new

    for report in project.reports:
        suppress(report, is_new(report), "baseline")


def _line(lines: list[str], number: int) -> str | None:
    return lines[number - 1] if 0 < number <= len(lines) else None
