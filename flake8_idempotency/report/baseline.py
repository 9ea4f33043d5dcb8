"""Fingerprints of findings, and the baseline file built from them.

A fingerprint names what is wrong where a reviewer would look for it, not a line: the
code, the endpoint's method and path (or its handler's qualified name when the path is
not known) and the message without its "(in helper, file:line)" part. Moving a
handler, reformatting the file or adding lines above it keeps every fingerprint; a
new finding, or the same problem on another endpoint, gets a new one. SARIF carries
them as ``partialFingerprints``; ``summary --write-baseline`` stores today's, and
``--baseline`` fails only on findings whose fingerprint is not stored.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING

from ..lazy_pattern import LazyPattern
from ..model.source import display_path

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import EndpointReport
    from ..model.finding import Finding

BASELINE_VERSION = 1
#: `` (in cancel_order, orders/services.py:6)``: where a callee's finding was, with a line.
_WHERE = LazyPattern(r" \(in [^()]*?:\d+\)")


class BaselineError(ValueError):
    """A baseline file that cannot be read or written: a one-line message."""


def fingerprint(report: EndpointReport, finding: Finding) -> str:
    endpoint = report.endpoint
    subject = endpoint.path if endpoint.path is not None else endpoint.qualified_handler
    what = _WHERE.sub("", finding.message)
    key = "\0".join((finding.code, endpoint.method, subject, what))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def write_baseline(path: str, reports: list[EndpointReport]) -> int:
    """Every standing finding, one entry each (sorted: stable in version control)."""
    entries = sorted(
        (
            {
                "fingerprint": fingerprint(report, finding),
                "code": finding.code,
                "endpoint": report.endpoint.label,
                "file": display_path(report.endpoint.filename),
                "message": _WHERE.sub("", finding.message),
            }
            for report in reports
            for finding in report.findings
        ),
        key=lambda entry: (entry["file"], entry["endpoint"], entry["code"], entry["fingerprint"]),
    )
    document = {"tool": "flake8-idempotency", "baseline_version": BASELINE_VERSION, "findings": entries}
    try:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
    except OSError as error:
        raise BaselineError(f"cannot write the baseline {path}: {error.strerror}") from None
    return len(entries)


def read_baseline(path: str) -> Counter[str]:
    """The fingerprints a baseline file holds, with how many findings share each."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        findings = document["findings"]
        return Counter(str(entry["fingerprint"]) for entry in findings)
    except OSError as error:
        raise BaselineError(f"cannot read the baseline {path}: {error.strerror}") from None
    except (ValueError, KeyError, TypeError):
        raise BaselineError(f"{path} is not a flake8-idempotency baseline (write one with --write-baseline)") from None
