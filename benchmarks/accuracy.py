"""Accuracy on the development corpus: the plugin's findings and endpoints against the
hand labels of ``labels/NAME.csv``, made from the code and the contract before anyone
looked at the plugin's output.

A label is one (handler, method) of an application: the file, the line of its ``def``
(or of the ``class`` statement when a base class provides the handler), the method,
the full path and the expected codes. Its span (that line to the node's ``end_lineno``)
comes from parsing the file with ``ast``; nothing of the application is imported.
"""

from __future__ import annotations

import ast
import csv
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels"
REVIEWED = HERE / "accuracy-reviewed.txt"
CODES = ("IDM001", "IDM002", "IDM003", "IDM004")
#: The method each code is about (the contract): a finding inside a class that has
#: labels for several methods belongs to the label of its code's method.
CODE_METHOD = {"IDM001": "PUT", "IDM002": "POST", "IDM003": "DELETE", "IDM004": "PUT"}
VERDICTS = ("true", "false", "unsure", "unreviewed")

_LINE = re.compile(r"^\./(?P<file>[^:]+):(?P<line>\d+):\d+: (?P<code>IDM\d{3}) (?P<rest>.*)$")
_ENDPOINT = re.compile(r"^endpoint (?P<method>\S+) (?P<path>\S+) ")
#: Path parameters in every spelling (``{id}``, ``<int:id>``, ``(?P<id>...)``): their
#: names differ between a label and the plugin (``{code__iexact}`` vs ``{pk}``).
_PARAMETER = re.compile(r"\{[^{}]*\}|<[^<>]*>|\(\?P<[^>]*>[^)]*\)")


class Label(NamedTuple):
    app: str
    file: str
    def_line: int
    handler: str
    method: str
    path: str
    expected: frozenset[str]
    end_line: int
    is_class: bool

    def contains(self, line: int) -> bool:
        return self.def_line <= line <= self.end_line


class Output(NamedTuple):
    """One IDM line of flake8: an endpoint (IDM000, with method and path) or a finding."""

    file: str
    line: int
    code: str
    method: str = ""
    path: str = ""


def _definitions(path: Path) -> dict[int, tuple[int, bool]]:
    """First line -> (last line, is a class) of every def and class in the file."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    return {
        node.lineno: (node.end_lineno or node.lineno, isinstance(node, ast.ClassDef))
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }


def read_labels(app: str, root: Path, warn=print) -> list[Label]:
    """The app's labels with their spans; a row whose line holds no def or class is
    reported and left out, since nothing could be matched to it."""
    labels, parsed = [], {}
    with (LABELS / f"{app}.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["file"] not in parsed:
                parsed[row["file"]] = _definitions(root / row["file"])
            line = int(row["def_line"])
            if line not in parsed[row["file"]]:
                warn(f"  label ignored: {app}/{row['file']}:{line} {row['handler']}: no def or class on that line")
                continue
            end, is_class = parsed[row["file"]][line]
            expected = frozenset(code for code in row["expected"].split(";") if code != "none")
            labels.append(
                Label(app, row["file"], line, row["handler"], row["method"], row["full_path"], expected, end, is_class)
            )
    return labels


def run_flake8(root: Path) -> list[Output]:
    """The installed plugin's IDM output over the app, endpoints included, cache off
    (a cache from an earlier plugin version must not answer for this one)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["FLAKE8_IDEMPOTENCY_CACHE"] = "off"
    command = [sys.executable, "-m", "flake8", "--isolated", "--select=IDM", "--idm-show-endpoints", "-j2", "."]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1) or (result.returncode and not result.stdout):
        raise SystemExit(f"flake8 failed in {root} ({result.returncode}):\n{result.stderr}")
    outputs = []
    for line in result.stdout.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        endpoint = _ENDPOINT.match(match["rest"]) if match["code"] == "IDM000" else None
        method, path = (endpoint["method"], endpoint["path"]) if endpoint else ("", "")
        outputs.append(Output(match["file"], int(match["line"]), match["code"], method, path))
    return outputs


def owner(finding: Output, labels: list[Label]) -> Label | None:
    """The labelled handler a finding was reported in: of the labels whose span holds its
    line, one of its code's method first, then the innermost (a def inside a class)."""
    spans = [label for label in labels if label.file == finding.file and label.contains(finding.line)]
    if not spans:
        return None
    return min(spans, key=lambda label: (label.method != CODE_METHOD[finding.code], label.end_line - label.def_line))


class Score(NamedTuple):
    tp: int
    fp: int
    fn: int


class Miss(NamedTuple):
    kind: str  # "FP" or "FN"
    code: str
    label: Label

    def __str__(self) -> str:
        label = self.label
        return f"{self.kind} {self.code} {label.app}/{label.file}:{label.def_line} {label.handler} {label.method}"


def score(labels: list[Label], findings: list[Output]) -> tuple[dict[str, Score], list[Miss], list[Output]]:
    """Per code: handlers expected and reported (TP), reported only (FP), expected only
    (FN), each handler counted once per code; the FP and FN handlers; and the findings
    in no labelled handler."""
    reported: dict[Label, set[str]] = defaultdict(set)
    unlabelled = []
    for finding in findings:
        label = owner(finding, labels)
        if label is None:
            unlabelled.append(finding)
        else:
            reported[label].add(finding.code)
    counts: dict[str, Counter] = {code: Counter() for code in CODES}
    misses = []
    for label in labels:
        for code in CODES:
            expected, found = code in label.expected, code in reported[label]
            kind = "TP" if expected and found else "FP" if found else "FN" if expected else None
            if kind:
                counts[code][kind] += 1
            if kind in ("FP", "FN"):
                misses.append(Miss(kind, code, label))
    scores = {code: Score(c["TP"], c["FP"], c["FN"]) for code, c in counts.items()}
    return scores, misses, unlabelled


def normalise(path: str) -> str:
    return re.sub("/+", "/", _PARAMETER.sub("{}", path))


class EndpointFigures(NamedTuple):
    handlers: int
    found: int
    path_known: int  # found, with a labelled path ("?" labels count for the method only)
    path_right: int
    path_unknown: int  # the plugin's path is "?"


def endpoint_figures(labels: list[Label], endpoints: list[Output]) -> EndpointFigures:
    """Labels found as an endpoint with their method: at the def line, or for a class
    label, any endpoint in the class's span that no def label of the file claims."""
    claimed = {(label.file, label.def_line) for label in labels if not label.is_class}
    found = path_known = right = unknown = 0
    for label in labels:
        if label.is_class:
            matches = [
                e
                for e in endpoints
                if e.file == label.file and label.contains(e.line) and (e.file, e.line) not in claimed
            ]
        else:
            matches = [e for e in endpoints if e.file == label.file and e.line == label.def_line]
        matches = [e for e in matches if e.method == label.method]
        if not matches:
            continue
        found += 1
        if label.path == "?":
            continue
        path_known += 1
        if normalise(label.path) in {normalise(e.path) for e in matches}:
            right += 1
        elif all(e.path == "?" for e in matches):
            unknown += 1
    return EndpointFigures(len(labels), found, path_known, right, unknown)


# -- the reviewed unlabelled reports -------------------------------------------------------


def report_key(app: str, finding: Output) -> str:
    return f"{app}/{finding.file}:{finding.line}: {finding.code}"


def read_reviewed() -> dict[str, str]:
    """``app/file:line: CODE`` -> verdict, from accuracy-reviewed.txt."""
    if not REVIEWED.exists():
        return {}
    verdicts = {}
    for line in REVIEWED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, verdict = line.rsplit(" ", 1)
            verdicts[key] = verdict
    return verdicts


def write_reviewed(verdicts: dict[str, str]) -> None:
    header = (
        "# Findings of `run.py accuracy` in no labelled handler: app/file:line: CODE verdict,\n"
        "# verdict true, false, unsure or unreviewed; files relative to the app's extracted root.\n"
    )
    REVIEWED.write_text(header + "".join(f"{key} {verdicts[key]}\n" for key in sorted(verdicts)), encoding="utf-8")


# -- tables ----------------------------------------------------------------------------------


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "-"


def score_row(name: str, score: Score) -> str:
    tp, fp, fn = score
    return f"| {name} | {tp} | {fp} | {fn} | {share(tp, tp + fp)} | {share(tp, tp + fn)} |"


def add(scores: list[Score]) -> Score:
    return Score(*(sum(column) for column in zip(*scores))) if scores else Score(0, 0, 0)
