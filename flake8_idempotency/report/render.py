"""The summary as text, JSON, Markdown, SARIF 2.1.0 and GitHub annotations (one function per format)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from .. import __version__
from ..knowledge.frameworks import FRAMEWORK_NAMES
from ..model.source import display_path
from ..rules import CHECKS, RULES, Rule, SummaryCheck
from .baseline import fingerprint
from .github import annotation, command
from .inventory import inventory_line
from .rule_docs import documentation_url, help_uri, rule_docs
from .summary import SCHEMA_VERSION, ProjectSummary

TOOL_NAME = "flake8-idempotency"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: The base the SARIF URIs are relative to (the repository root).
SRCROOT = "SRCROOT"
#: The name of our fingerprint in ``partialFingerprints`` (versioned: a new scheme, a new name).
FINGERPRINT = "idmFindingHash/v1"

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import EndpointReport
    from ..model.finding import Finding


def _status(report: EndpointReport) -> str:
    codes = sorted({finding.code for finding in report.findings})
    quiet = sorted({finding.code for finding, _ in report.suppressed} - set(codes))
    status = "FAIL " + ",".join(codes) if codes else "ok" if report.checks else "-"
    return status + (f" (suppressed {','.join(quiet)})" if quiet else "")


def _passing(check: SummaryCheck, summary: ProjectSummary) -> str:
    """``protected 4 (1 suppressed)``."""
    count = summary.counts[check.name]
    return f"{check.passing} {count.passing}" + (f" ({count.suppressed} suppressed)" if count.suppressed else "")


def _suppressed(summary: ProjectSummary) -> str:
    """``2 findings (noqa or ignore 1, baseline 1)``."""
    reasons = Counter(why for report in summary.reports for _, why in report.suppressed)
    listed = ", ".join(f"{why} {count}" for why, count in sorted(reasons.items()))
    total = summary.suppressed_findings
    return f"{total} finding{'s' if total != 1 else ''} ({listed})"


def _unknown_paths(summary: ProjectSummary) -> str:
    """``3 of 40 endpoints (shown as ?: a mount or include whose prefix is not a literal)``."""
    return (
        f"{summary.unknown_paths} of {len(summary.reports)} endpoints"
        " (shown as ?: the route or a prefix above it is not a literal, or nothing routes to it)"
    )


def _scope(summary: ProjectSummary) -> str:
    scope = f"{len(summary.reports)} endpoints in {summary.files} files"
    if summary.partial:
        scope += " (only the files given, not the whole project)"
    return scope


def render_text(summary: ProjectSummary) -> str:
    lines = [f"{TOOL_NAME} summary: {_scope(summary)}", ""]
    lines += [f"{inventory_line(report.endpoint)}  {_status(report)}" for report in summary.reports]
    if not summary.reports:
        lines.append(f"no endpoint found; looked for routes of {', '.join(FRAMEWORK_NAMES)}")
    lines.append("")
    for check in CHECKS:
        count = summary.counts[check.name]
        lines.append(f"{check.counted + ':':<25} {count.total:>4}, {_passing(check, summary)}")
    if summary.unknown_paths:
        lines.append(f"unknown paths: {_unknown_paths(summary)}")
    if summary.suppressed_findings:
        lines.append(f"suppressed: {_suppressed(summary)}")
    for filename, reason in summary.skipped:
        lines.append(f"skipped: {display_path(filename)}: {reason}")
    lines.append(f"verdict: {summary.verdict}")
    if summary.detail:
        lines.append(f"detail: {summary.detail}")
    return "\n".join(lines) + "\n"


def render_markdown(summary: ProjectSummary) -> str:
    lines = [f"## {TOOL_NAME}: **{summary.verdict}**", "", _scope(summary), ""]
    if summary.detail:
        lines += [summary.detail, ""]
    lines += ["| check | total | passing |", "|---|---:|---:|"]
    for check in CHECKS:
        lines.append(f"| {check.counted} | {summary.counts[check.name].total} | {_passing(check, summary)} |")
    if summary.unknown_paths:
        lines += ["", f"Unknown paths: {_unknown_paths(summary)}."]
    if summary.suppressed_findings:
        lines += ["", f"Suppressed: {_suppressed(summary)}."]
    lines += ["", "| endpoint | handler | file | status |", "|---|---|---|---|"]
    for report in summary.reports:
        endpoint = report.endpoint
        lines.append(
            f"| `{endpoint.label}` | `{endpoint.qualified_handler}` | `{endpoint.filename}:{endpoint.line}`"
            f" | {_status(report)} |"
        )
    return "\n".join(lines) + "\n"


def summary_data(summary: ProjectSummary) -> dict:
    """The JSON document; its shape is ``docs/summary-schema.json`` (versioned)."""
    data: dict = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": __version__},
        "scope": {"files": summary.files, "partial": summary.partial},
        "verdict": summary.verdict,
        "detail": summary.detail,
        "checks": {
            check.name: {"total": summary.counts[check.name].total, check.passing: summary.counts[check.name].passing}
            for check in CHECKS
        },
        "endpoints": [
            {
                "file": report.endpoint.filename,
                "line": report.endpoint.line,
                "method": report.endpoint.method,
                "path": report.endpoint.path,
                "framework": report.endpoint.framework,
                "handler": report.endpoint.qualified_handler,
                "checks": dict(sorted(report.checks.items())),
                "findings": [
                    {"code": f.code, "line": f.line, "column": f.col + 1, "message": f.message} for f in report.findings
                ],
                **(
                    {
                        "suppressed": [
                            {"code": f.code, "line": f.line, "column": f.col + 1, "message": f.message, "reason": why}
                            for f, why in report.suppressed
                        ]
                    }
                    if report.suppressed
                    else {}
                ),
            }
            for report in summary.reports
        ],
    }
    if summary.unknown_paths:
        data["unknown_paths"] = summary.unknown_paths
    if summary.suppressed_findings:
        data["suppressed"] = {"findings": summary.suppressed_findings, "endpoints": summary.suppressed_endpoints}
    if summary.skipped:
        data["skipped"] = [{"file": filename, "reason": reason} for filename, reason in summary.skipped]
    return data


def render_json(summary: ProjectSummary) -> str:
    return json.dumps(summary_data(summary), indent=2) + "\n"


def render_sarif(summary: ProjectSummary) -> str:
    """SARIF 2.1.0 as code scanning reads it: URIs relative to the repository root (with
    ``originalUriBaseIds``), ``partialFingerprints`` that survive moved lines, rule help
    from the rule pages, suppressed findings kept with their suppression."""
    root = repository_root()
    results = [_sarif_result(report, finding, root, None) for report, finding in _findings(summary)]
    results += [_sarif_result(report, finding, root, why) for report, finding, why in _suppressed_findings(summary)]
    driver: dict[str, object] = {
        "name": TOOL_NAME,
        "version": __version__,
        "informationUri": documentation_url(),
        "rules": [_sarif_rule(rule) for rule in RULES],
    }
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {key: value for key, value in driver.items() if value is not None}},
                "originalUriBaseIds": {SRCROOT: {"uri": Path(root).as_uri() + "/"}},
                "results": results,
                "properties": {"verdict": summary.verdict, "detail": summary.detail},
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _sarif_result(report: EndpointReport, finding: Finding, root: str, suppressed: str | None) -> dict:
    result: dict = {
        "ruleId": finding.code,
        "level": "warning",
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(report.endpoint.filename, root), "uriBaseId": SRCROOT},
                    "region": {"startLine": finding.line, "startColumn": finding.col + 1},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint(report, finding)},
    }
    if suppressed is not None:
        kind = "external" if suppressed == "baseline" else "inSource"
        result["suppressions"] = [{"kind": kind, "justification": suppressed}]
    return result


def _sarif_rule(rule: Rule) -> dict:
    """A reportingDescriptor: the page's title, its "What it does" paragraph, the page
    itself as help (text and Markdown) and a link to it, tags and precision as ruff and
    CodeQL give them."""
    page = rule_docs().get(rule.CODE, {})
    descriptor = {
        "id": rule.CODE,
        "name": getattr(rule, "__name__", rule.CODE).rpartition(".")[2],
        "shortDescription": {"text": page.get("title", rule.SUMMARY)},
        "fullDescription": {"text": page.get("description", rule.SUMMARY)},
        "help": {"text": page["help_text"], "markdown": page["help_markdown"]} if "help_markdown" in page else None,
        "helpUri": help_uri(rule.CODE),
        "defaultConfiguration": {"level": "warning"},
        "properties": {
            "tags": ["idempotency", "reliability", "http", rule.CHECK.name.replace("_", "-")],
            "precision": rule.PRECISION,
            "problem.severity": "warning",
        },
    }
    return {key: value for key, value in descriptor.items() if value is not None}


def _findings(summary: ProjectSummary) -> Iterator[tuple[EndpointReport, Finding]]:
    """(report, finding) once each: an endpoint serving two methods shares its handler's findings."""
    seen = set()
    for report in summary.reports:
        for finding in report.findings:
            key = (report.endpoint.filename, finding.line, finding.col, finding.code)
            if key not in seen:
                seen.add(key)
                yield report, finding


def _suppressed_findings(summary: ProjectSummary) -> Iterator[tuple[EndpointReport, Finding, str]]:
    seen = set()
    for report in summary.reports:
        for finding, why in report.suppressed:
            key = (report.endpoint.filename, finding.line, finding.col, finding.code)
            if key not in seen:
                seen.add(key)
                yield report, finding, why


def render_github(summary: ProjectSummary) -> str:
    """One ``::warning`` per finding, then the verdict (``::error`` when it fails)."""
    lines = [
        annotation(display_path(report.endpoint.filename), finding.line, finding.col + 1, finding.code, finding.message)
        for report, finding in _findings(summary)
    ]
    verdict = f"verdict: {summary.verdict}, {_scope(summary)}" + (f": {summary.detail}" if summary.detail else "")
    lines.append(command("error" if summary.verdict == "fail" else "notice", verdict, title=TOOL_NAME))
    return "\n".join(lines) + "\n"


def repository_root(start: str | None = None) -> str:
    """The nearest directory at or above ``start`` (the current one) that holds ``.git``;
    the current directory when there is none. SARIF paths are relative to it, as code
    scanning resolves them against the checkout, whichever directory the tool ran in."""
    here = os.path.abspath(start or os.getcwd())
    directory = here
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return here
        directory = parent


def _uri(filename: str, root: str) -> str:
    """A forward-slash URI relative to ``root``, as SARIF viewers (code scanning) expect."""
    relative = os.path.relpath(os.path.abspath(filename), root)
    return quote(relative.replace(os.sep, "/"))


FORMATS = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "sarif": render_sarif,
    "github": render_github,
}
