"""The project summary: every endpoint, the seed's counts per check, and a verdict.

Counts (docs/summary.md): one line per summary check of the rules (PUT endpoints and
how many are idempotent, no IDM001/IDM004; DELETE endpoints, no IDM003; critical POST
endpoints and how many are protected, no IDM002). The verdict is ``pass`` when every
counted endpoint passes, ``fail`` with a detail line of at most 500 characters
otherwise, and ``n/a`` when nothing is counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..engine import EndpointReport
from ..rules import CHECKS, RULES

SCHEMA_VERSION = 1
DETAIL_LIMIT = 500

#: code -> how the fail detail says what is wrong, after the endpoint's name.
_REASONS = {rule.CODE: rule.SUMMARY for rule in RULES}


class CheckCount(NamedTuple):
    total: int
    passing: int
    #: Of the passing: endpoints that pass only because a finding was suppressed.
    suppressed: int = 0


@dataclass
class ProjectSummary:
    reports: list[EndpointReport]
    #: Files analysed and whether they are only part of the project (pre-commit).
    files: int
    partial: bool
    counts: dict[str, CheckCount] = field(default_factory=dict)
    verdict: str = "n/a"
    detail: str = ""
    #: Files that got no analysis, with why (named, never silently dropped).
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def suppressed_findings(self) -> int:
        return sum(len(report.suppressed) for report in self.reports)

    @property
    def unknown_paths(self) -> int:
        """Endpoints whose full path could not be resolved (shown as ``?``)."""
        return sum(1 for report in self.reports if report.endpoint.path is None)

    @property
    def suppressed_endpoints(self) -> int:
        """Endpoints that pass a check only because a finding of it was suppressed."""
        return sum(1 for report in self.reports if _passes_by_suppression(report))


def summarize(
    reports: list[EndpointReport], files: int, partial: bool, skipped: list[tuple[str, str]] | None = None
) -> ProjectSummary:
    ordered = sorted(reports, key=lambda r: (r.endpoint.filename, r.endpoint.line, r.endpoint.method))
    summary = ProjectSummary(ordered, files, partial, skipped=sorted(skipped or []))
    for check in CHECKS:
        applying = [report for report in ordered if check.name in report.checks]
        passing = [report for report in applying if report.checks[check.name]]
        suppressed = [report for report in passing if _passes_by_suppression(report, check.name)]
        summary.counts[check.name] = CheckCount(len(applying), len(passing), len(suppressed))
    if not any(count.total for count in summary.counts.values()):
        summary.verdict = "n/a"
    elif all(count.total == count.passing for count in summary.counts.values()):
        summary.verdict = "pass"
    else:
        summary.verdict = "fail"
        summary.detail = fail_detail(ordered)
    return summary


def fail_detail(reports: list[EndpointReport]) -> str:
    """``PUT /users/{id}/credits adds ...; POST /payments has no ...``, at most 500 characters."""
    reasons: list[str] = []
    for report in reports:
        for code in dict.fromkeys(finding.code for finding in report.findings):
            reason = f"{report.endpoint.label} {_REASONS.get(code, 'fails ' + code)}"
            if reason not in reasons:
                reasons.append(reason)
    shown: list[str] = []
    for index, reason in enumerate(reasons):
        more = len(reasons) - index - 1
        if len("; ".join([*shown, reason]) + (f"; and {more} more" if more else "")) > DETAIL_LIMIT:
            break
        shown.append(reason)
    if not shown:
        return reasons[0][: DETAIL_LIMIT - 3] + "..."
    hidden = len(reasons) - len(shown)
    return "; ".join(shown) + (f"; and {hidden} more" if hidden else "")


def _passes_by_suppression(report: EndpointReport, check: str | None = None) -> bool:
    codes = {rule.CODE for rule in RULES if check is None or rule.CHECK.name == check}
    suppressed = any(finding.code in codes for finding, _ in report.suppressed)
    return suppressed and all(passed for name, passed in report.checks.items() if check is None or name == check)
