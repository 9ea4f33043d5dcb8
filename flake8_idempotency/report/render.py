"""The summary as text, JSON, Markdown, SARIF 2.1.0 and GitHub annotations (one function per format)."""

from __future__ import annotations

import json
from urllib.parse import quote

from .. import __version__
from ..model.source import display_path
from ..rules import CHECKS, RULES
from .github import annotation, command
from .inventory import inventory_line
from .rule_docs import documentation_url, help_uri, rule_docs
from .summary import SCHEMA_VERSION, ProjectSummary

TOOL_NAME = "flake8-idempotency"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _status(report) -> str:
    codes = sorted({finding.code for finding in report.findings})
    if codes:
        return "FAIL " + ",".join(codes)
    return "ok" if report.checks else "-"


def _scope(summary: ProjectSummary) -> str:
    scope = f"{len(summary.reports)} endpoints in {summary.files} files"
    if summary.partial:
        scope += " (only the files given, not the whole project)"
    return scope


def render_text(summary: ProjectSummary) -> str:
    lines = [f"{TOOL_NAME} summary: {_scope(summary)}", ""]
    lines += [f"{inventory_line(report.endpoint)}  {_status(report)}" for report in summary.reports]
    lines.append("")
    for check in CHECKS:
        count = summary.counts[check.name]
        lines.append(f"{check.counted + ':':<25} {count.total:>4}, {check.passing} {count.passing}")
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
        count = summary.counts[check.name]
        lines.append(f"| {check.counted} | {count.total} | {count.passing} {check.passing} |")
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
    return {
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
            }
            for report in summary.reports
        ],
    }


def render_json(summary: ProjectSummary) -> str:
    return json.dumps(summary_data(summary), indent=2) + "\n"


def render_sarif(summary: ProjectSummary) -> str:
    rules = [_sarif_rule(rule) for rule in RULES]
    results = [
        {
            "ruleId": finding.code,
            "level": "warning",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(filename)},
                        "region": {"startLine": finding.line, "startColumn": finding.col + 1},
                    }
                }
            ],
        }
        for filename, finding in _findings(summary)
    ]
    driver = {"name": TOOL_NAME, "version": __version__, "informationUri": documentation_url(), "rules": rules}
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {key: value for key, value in driver.items() if value is not None}},
                "results": results,
                "properties": {"verdict": summary.verdict, "detail": summary.detail},
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _sarif_rule(rule) -> dict:
    """A reportingDescriptor: the page's title and "What it does" paragraph, and a link to the page."""
    page = rule_docs().get(rule.CODE, {})
    descriptor = {
        "id": rule.CODE,
        "name": rule.__name__.rpartition(".")[2],
        "shortDescription": {"text": page.get("title", rule.SUMMARY)},
        "fullDescription": {"text": page.get("description", rule.SUMMARY)},
        "helpUri": help_uri(rule.CODE),
        "defaultConfiguration": {"level": "warning"},
    }
    return {key: value for key, value in descriptor.items() if value is not None}


def _findings(summary: ProjectSummary):
    """(filename, finding) once each: an endpoint serving two methods shares its handler's findings."""
    seen = set()
    for report in summary.reports:
        for finding in report.findings:
            key = (report.endpoint.filename, finding.line, finding.col, finding.code)
            if key not in seen:
                seen.add(key)
                yield report.endpoint.filename, finding


def render_github(summary: ProjectSummary) -> str:
    """One ``::warning`` per finding, then the verdict (``::error`` when it fails)."""
    lines = [
        annotation(display_path(filename), finding.line, finding.col + 1, finding.code, finding.message)
        for filename, finding in _findings(summary)
    ]
    verdict = f"verdict: {summary.verdict}, {_scope(summary)}" + (f": {summary.detail}" if summary.detail else "")
    lines.append(command("error" if summary.verdict == "fail" else "notice", verdict, title=TOOL_NAME))
    return "\n".join(lines) + "\n"


def _uri(filename: str) -> str:
    """A relative, forward-slash URI as SARIF viewers (GitHub code scanning) expect."""
    return quote(display_path(filename))


FORMATS = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "sarif": render_sarif,
    "github": render_github,
}
