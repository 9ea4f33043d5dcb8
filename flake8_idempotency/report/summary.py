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


@dataclass
class ProjectSummary:
    reports: list[EndpointReport]
    #: Files analysed and whether they are only part of the project (pre-commit).
    files: int
    partial: bool
    counts: dict[str, CheckCount] = field(default_factory=dict)
    verdict: str = "n/a"
    detail: str = ""


def summarize(reports: list[EndpointReport], files: int, partial: bool) -> ProjectSummary:
    ordered = sorted(reports, key=lambda r: (r.endpoint.filename, r.endpoint.line, r.endpoint.method))
    summary = ProjectSummary(ordered, files, partial)
    for check in CHECKS:
        results = [report.checks[check.name] for report in ordered if check.name in report.checks]
        summary.counts[check.name] = CheckCount(len(results), sum(results))
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
