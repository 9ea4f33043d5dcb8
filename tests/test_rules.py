"""Every rule fixture through real flake8: findings exactly where the fixture says.

A fixture under ``fixtures/rules`` marks each expected finding at the end of the
reported line: ``# error: IDM001`` (several: ``# error: IDM001, IDM004``).
Lines without the marker must stay silent; that is how near-misses are pinned.
Each fixture is a project of its own: the project index is pointed at an empty
directory, so one fixture's app-level handlers cannot silence another's findings
(cross-file behaviour has its own fixture projects).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, flake8

RULE_FIXTURES = FIXTURES / "rules"
_EXPECTED = re.compile(r"#\s*error:\s*(IDM\d{3}(?:\s*,\s*IDM\d{3})*)")
_REPORTED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>IDM\d{3}) (?P<message>.*)$")


def expected_findings(path: Path) -> set[tuple[int, str]]:
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match:
            expected.update((number, code.strip()) for code in match.group(1).split(","))
    return expected


def reported_findings(output: str) -> dict[str, set[tuple[int, str]]]:
    found: dict[str, set[tuple[int, str]]] = {}
    for line in output.splitlines():
        match = _REPORTED.match(line)
        assert match, f"unexpected flake8 output: {line!r}"
        found.setdefault(Path(match["file"]).name, set()).add((int(match["line"]), match["code"]))
    return found


def rule_fixtures() -> list[Path]:
    return sorted(RULE_FIXTURES.glob("*.py"))


@pytest.fixture(scope="module")
def isolated_root(tmp_path_factory) -> str:
    return f"--idm-project-root={tmp_path_factory.mktemp('empty-project')}"


@pytest.fixture(scope="module")
def flake8_findings(isolated_root) -> dict[str, set[tuple[int, str]]]:
    result = flake8("--isolated", "--select=IDM", "-j2", isolated_root, str(RULE_FIXTURES))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr == ""
    return reported_findings(result.stdout)


@pytest.mark.parametrize("fixture", rule_fixtures(), ids=lambda path: path.stem)
def test_findings_match_markers(fixture, flake8_findings):
    assert flake8_findings.get(fixture.name, set()) == expected_findings(fixture)


def test_messages_follow_the_contract(isolated_root):
    """Code first, one line, under 200 characters (RULES.md "Codes")."""
    result = flake8("--isolated", "--select=IDM", isolated_root, str(RULE_FIXTURES))
    for line in result.stdout.splitlines():
        match = _REPORTED.match(line)
        assert match, line
        assert len(match["message"]) + len(match["code"]) + 1 < 200, line
