"""One file in, endpoints and findings out: the path every front end shares.

flake8 (``plugin.py``) and the command line (``cli.py``) both call ``analyze``.
A file that cannot be a web module stops at the text pre-filter; a failure
inside the analysis is reported once on stderr and never escapes.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field

from .analysis.project import ProjectResolver
from .analysis.source import SourceFile, may_contain_endpoints
from .config import Config
from .discovery import Endpoint, discover_endpoints
from .rules import RULES, Finding, RuleContext

#: IDM000, opt-in (``--idm-show-endpoints``): the inventory as flake8 output.
ENDPOINT_MESSAGE = "IDM000 endpoint {method} {path} {framework} {handler}"

#: One per process: the project's other modules stay parsed between files.
RESOLVER = ProjectResolver()


@dataclass
class FileResult:
    endpoints: list[Endpoint] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def analyze(tree: ast.Module, filename: str, lines: list[str], config: Config) -> FileResult:
    result = FileResult()
    if not may_contain_endpoints(lines):
        return result
    try:
        source = SourceFile.from_tree(tree, filename, lines)
        result.endpoints = discover_endpoints(source, RESOLVER)
        if config.show_endpoints:
            result.findings.extend(_endpoint_finding(endpoint) for endpoint in result.endpoints)
        context = RuleContext(source, config, result.endpoints)
        for rule in RULES:
            for endpoint in result.endpoints:
                result.findings.extend(rule.check(endpoint, context))
    except (Exception, RecursionError) as error:  # never crash flake8
        print(f"flake8-idempotency: {filename}: skipped, internal error: {error!r}", file=sys.stderr)
        return FileResult()
    result.findings.sort()
    return result


def _endpoint_finding(endpoint: Endpoint) -> Finding:
    message = ENDPOINT_MESSAGE.format(
        method=endpoint.method,
        path=endpoint.path if endpoint.path is not None else "?",
        framework=endpoint.framework,
        handler=endpoint.qualified_handler,
    )
    return Finding(endpoint.line, endpoint.handler.col_offset, "IDM000", message)
