"""Every rule fixture through real flake8: findings exactly where the fixture says, messages as reviewed.

A fixture under ``fixtures/rules`` marks each expected finding at the end of the
reported line: ``# error: IDM001`` (several: ``# error: IDM001, IDM004``).
Lines without the marker must stay silent; that is how near-misses are pinned.
Beside each fixture, ``<name>.snapshot`` holds every line flake8 reports for it
(``line:col: CODE message``, the endpoints as IDM000 included), so a changed
message, column or endpoint shows as a diff; ``pytest --update-snapshots``
rewrites the snapshots, and the markers keep a rewrite from absorbing a finding
gained or lost. Each fixture is a project of its own: the project index is
pointed at an empty directory, so one fixture's app-level handlers cannot
silence another's findings (cross-file behaviour has its own fixture projects).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FIXTURES, expected_findings, flake8

RULE_FIXTURES = FIXTURES / "rules"
REPORTED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>IDM\d{3}) (?P<message>.*)$")


def rule_fixtures() -> list[Path]:
    return sorted(RULE_FIXTURES.glob("*.py"))


def snapshot_path(fixture: Path) -> Path:
    return fixture.with_suffix(".snapshot")


def per_file(output: str) -> dict[str, str]:
    """flake8's ``path:line:col: CODE message`` lines as ``line:col: CODE message`` per file name."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        match = REPORTED.match(line)
        assert match, f"unexpected flake8 output: {line!r}"
        name = Path(match["file"]).name
        found[name] = found.get(name, "") + line.removeprefix(match["file"] + ":") + "\n"
    return found


def findings_in(snapshot: str) -> set[tuple[int, str]]:
    """``(line, code)`` of the findings in a snapshot; the endpoints (IDM000) are not findings."""
    lines = (line.split(":", 2) for line in snapshot.splitlines())
    return {(int(row), rest.split()[0]) for row, _col, rest in lines if not rest.startswith(" IDM000 ")}


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> dict[str, str]:
    """One flake8 run over every rule fixture: what it reports, per file."""
    empty = tmp_path_factory.mktemp("empty-project")
    result = flake8(
        "--isolated", "--select=IDM", "--idm-show-endpoints", f"--idm-project-root={empty}", ".", cwd=RULE_FIXTURES
    )
    assert result.stderr == ""
    assert result.returncode == 1  # the fixtures have findings
    return per_file(result.stdout)


@pytest.mark.parametrize("fixture", rule_fixtures(), ids=lambda path: path.stem)
def test_findings_match_markers(fixture, reported):
    assert findings_in(reported.get(fixture.name, "")) == expected_findings(fixture)


@pytest.mark.parametrize("fixture", rule_fixtures(), ids=lambda path: path.stem)
def test_report_matches_snapshot(fixture, reported, snapshots):
    """Every endpoint and finding with its column and message; the snapshot's findings are the markers."""
    actual = reported.get(fixture.name, "")
    assert " IDM000 endpoint " in actual, "a rule fixture without endpoints pins nothing"
    snapshots.check(snapshot_path(fixture), actual)
    assert findings_in(snapshot_path(fixture).read_text(encoding="utf-8")) == expected_findings(fixture)


def test_every_snapshot_has_its_fixture():
    orphans = [path.name for path in RULE_FIXTURES.glob("*.snapshot") if not path.with_suffix(".py").exists()]
    assert orphans == []


def test_messages_follow_the_contract(reported):
    """Code first, one line, under 200 characters: the form of the examples in docs/rules/IDM00x.md."""
    lines = "".join(reported.values()).splitlines()
    assert len(lines) > 100
    for line in lines:
        code, _, message = line.split(": ", 1)[1].partition(" ")
        assert re.fullmatch(r"IDM\d{3}", code), line
        assert len(code) + 1 + len(message) < 200, line


def test_showing_endpoints_adds_them_and_changes_no_finding(reported, tmp_path):
    """The snapshots are taken with ``--idm-show-endpoints``; users' default runs report the rest as is."""
    result = flake8("--isolated", "--select=IDM", f"--idm-project-root={tmp_path}", ".", cwd=RULE_FIXTURES)
    default = per_file(result.stdout)
    assert default
    assert default == {
        name: "".join(line + "\n" for line in lines.splitlines() if " IDM000 " not in line)
        for name, lines in reported.items()
        if any(" IDM000 " not in line for line in lines.splitlines())
    }
