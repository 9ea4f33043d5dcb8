"""The summary as a CI gate: flake8's suppressions, one configuration for both entry
points, a baseline, exit codes and one-line usage errors (docs/summary.md)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import REPO, cli, flake8

PAYMENTS = textwrap.dedent(
    """\
    import stripe
    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/payments")
    def create_payment():{noqa}
        intent = stripe.PaymentIntent.create(amount=request.json["amount"], currency="eur")
        return {{"id": intent.id}}
    """
)
REFUND = textwrap.dedent(
    """\


    @app.post("/refunds")
    def create_refund():
        refund = stripe.Refund.create(payment_intent=request.json["intent"])
        return {"id": refund.id}
    """
)


def _project(tmp_path: Path, noqa: str = "", config: str | None = None) -> Path:
    (tmp_path / "app.py").write_text(PAYMENTS.format(noqa=noqa), encoding="utf-8")
    if config is not None:
        (tmp_path / "setup.cfg").write_text(config, encoding="utf-8")
    return tmp_path


def _summary(project: Path, *args: str) -> tuple[dict, int]:
    result = cli("summary", "--format", "json", *args, cwd=project)
    assert result.stdout, result.stderr
    return json.loads(result.stdout), result.returncode


def test_the_unsuppressed_finding_fails_both_entry_points(tmp_path):
    project = _project(tmp_path)
    assert "app.py:8:1: IDM002 POST /payments" in flake8("--select=IDM", ".", cwd=project).stdout
    data, code = _summary(project)
    assert (data["verdict"], code) == ("fail", 1)
    assert data["checks"]["critical_post"] == {"total": 1, "protected": 0}


@pytest.mark.parametrize(
    "noqa, config",
    [
        ("  # noqa: IDM002", None),
        ("  # noqa", None),
        ("", "[flake8]\nper-file-ignores =\n    app.py: IDM002\n"),
        ("", "[flake8]\nextend-ignore = IDM002\n"),
        ("", "[flake8]\nignore = IDM\n"),
    ],
    ids=["noqa-code", "noqa-bare", "per-file-ignores", "extend-ignore", "ignore"],
)
def test_what_flake8_suppresses_the_summary_counts_as_suppressed(tmp_path, noqa, config):
    project = _project(tmp_path, noqa, config)
    assert "IDM002" not in flake8(".", cwd=project).stdout
    data, code = _summary(project)
    assert (data["verdict"], code) == ("pass", 0)
    assert data["checks"]["critical_post"] == {"total": 1, "protected": 1}
    assert data["suppressed"] == {"findings": 1, "endpoints": 1}
    [endpoint] = data["endpoints"]
    assert endpoint["findings"] == []
    assert [(entry["code"], entry["reason"]) for entry in endpoint["suppressed"]] == [("IDM002", "noqa or ignore")]
    text = cli("summary", cwd=project).stdout
    assert "critical POST endpoints:     1, protected 1 (1 suppressed)" in text
    assert "ok (suppressed IDM002)" in text


def test_flake8_summary_format_and_sarif_agree_with_the_suppression(tmp_path):
    project = _project(tmp_path, "  # noqa: IDM002")
    flake8_run = flake8("--select=IDM", "--format=idm-summary", ".", cwd=project)
    assert flake8_run.returncode == 0
    assert "verdict: pass" in flake8_run.stdout and "1 suppressed" in flake8_run.stdout
    sarif = json.loads(cli("summary", "--format", "sarif", cwd=project).stdout)
    [result] = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "noqa or ignore"}]


def test_excluded_files_are_not_summarised(tmp_path):
    project = _project(tmp_path, config="[flake8]\nextend-exclude = app.py\n")
    result = cli("summary", cwd=project)
    assert result.returncode == 0
    assert "0 endpoints in 0 files" in result.stdout
    assert "no endpoint found; looked for routes of Flask" in result.stdout


@pytest.mark.parametrize(
    "table",
    ['guard-decorators = ["stripe.PaymentIntent.create"]', 'critical-words = ["shipping"]'],
    ids=["guard-decorators", "critical-words"],
)
def test_pyproject_table_is_read_by_flake8_and_the_summary_alike(tmp_path, table):
    """One loader: ``[tool.flake8-idempotency]`` changes flake8's findings and the
    summary's the same way (here: no IDM002 for either)."""
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text(f"[tool.flake8-idempotency]\n{table}\n", encoding="utf-8")
    flake8_run = flake8("--select=IDM", ".", cwd=project)
    data, _ = _summary(project)
    findings = [finding["code"] for endpoint in data["endpoints"] for finding in endpoint["findings"]]
    assert ("IDM002" in flake8_run.stdout) == ("IDM002" in findings)
    assert "IDM002" not in findings or table.startswith("critical-words")


def test_pyproject_flags_accept_what_the_config_files_accept(tmp_path):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text('[tool.flake8-idempotency]\nshow-endpoints = "yes"\n', encoding="utf-8")
    assert "IDM000 endpoint POST /payments flask create_payment" in flake8(".", cwd=project).stdout


def test_a_command_line_option_reaches_the_summary(tmp_path):
    project = _project(tmp_path)
    data, code = _summary(project, "--idm-guard-decorators=stripe.PaymentIntent.create", "--exclude=nothing")
    assert (data["verdict"], code) == ("pass", 0)


def test_baseline_passes_known_findings_and_fails_new_ones(tmp_path):
    project = _project(tmp_path)
    baseline = project / "idm-baseline.json"
    written = cli("summary", "--write-baseline", str(baseline), cwd=project)
    assert written.returncode == 0
    assert "wrote 1 findings" in written.stderr
    stored = json.loads(baseline.read_text(encoding="utf-8"))
    assert [entry["code"] for entry in stored["findings"]] == ["IDM002"]

    # Lines move (a comment above, reformatting): the known finding stays known.
    app = project / "app.py"
    app.write_text("# moved\n\n" + app.read_text(encoding="utf-8"), encoding="utf-8")
    data, code = _summary(project, "--baseline", str(baseline))
    assert (data["verdict"], code) == ("pass", 0)
    assert data["suppressed"]["findings"] == 1

    app.write_text(app.read_text(encoding="utf-8") + REFUND, encoding="utf-8")
    data, code = _summary(project, "--baseline", str(baseline))
    assert (data["verdict"], code) == ("fail", 1)
    assert data["detail"] == "POST /refunds has no idempotency protection"


@pytest.mark.parametrize(
    "args, message",
    [
        (["summary", "does-not-exist"], "no such file or directory: does-not-exist"),
        (["summary", "--idm-call-depth=deep"], "bad value 'deep' for --idm-call-depth: expected a whole number >= 0"),
        (["summary", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["summary", "--output", "/no/such/dir/x.sarif"], "cannot write /no/such/dir/x.sarif"),
        (["summary", "--baseline", "missing.json"], "cannot read the baseline missing.json"),
    ],
    ids=["missing-path", "bad-option-value", "unknown-option", "unwritable-output", "missing-baseline"],
)
def test_usage_errors_are_one_line_and_exit_2(tmp_path, args, message):
    result = cli(*args, cwd=_project(tmp_path))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"flake8-idempotency: error: {message}")
    assert result.stdout == ""


@pytest.mark.parametrize(
    "content",
    ["[tool.flake8-idempotency\ncall-depth = 3\n", "[tool.flake8-idempotency]\ncall-deepness = 3\n"],
    ids=["invalid-toml", "unknown-key"],
)
def test_a_broken_pyproject_is_a_usage_error(tmp_path, content):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text(content, encoding="utf-8")
    result = cli("summary", cwd=project)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "pyproject.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_plain_help():
    version = cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("flake8-idempotency ")
    for args in (["--help"], ["summary", "--help"]):
        text = cli(*args).stdout
        assert "``" not in text and "Exit codes: 0 pass or n/a, 1 fail, 2 usage" in " ".join(text.split())


def test_endpoints_as_json(tmp_path):
    result = cli("endpoints", "--format", "json", cwd=_project(tmp_path))
    assert result.returncode == 0
    assert json.loads(result.stdout) == [
        {
            "file": "./app.py",
            "line": 8,
            "method": "POST",
            "path": "/payments",
            "framework": "flask",
            "handler": "create_payment",
        }
    ]


def test_a_file_that_does_not_parse_is_named_as_skipped(tmp_path):
    project = _project(tmp_path)
    (project / "broken.py").write_text("def pay(:\n", encoding="utf-8")
    result = cli("summary", cwd=project)
    assert "skipped: broken.py: syntax error (E999)" in result.stdout
    assert "1 files skipped (1 syntax error (E999))" in result.stderr


def test_sarif_fingerprints_survive_moved_lines(tmp_path):
    project = _project(tmp_path)

    def fingerprints() -> list[str]:
        sarif = json.loads(cli("summary", "--format", "sarif", cwd=project).stdout)
        return [result["partialFingerprints"]["idmFindingHash/v1"] for result in sarif["runs"][0]["results"]]

    before = fingerprints()
    app = project / "app.py"
    app.write_text("\n\n\n" + app.read_text(encoding="utf-8"), encoding="utf-8")
    assert fingerprints() == before and len(before) == 1


def test_the_pre_commit_hook_keeps_syntax_errors_visible():
    """One argument: a YAML flow list splits ``--select=IDM,E999,E902`` on its commas
    unless it is quoted (tests/test_precommit.py runs the hook for real)."""
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["args"] == ["--select=IDM,E999,E902"]


HANDLERS = 'from flask import request\n\n\ndef pay():\n    return {"ok": True}\n'
REGISTRY = (
    "from flask import Flask\n\nimport handlers\n\napp = Flask(__name__)\n"
    'app.add_url_rule("/pay", view_func=handlers.pay, methods=["POST"])\n'
)


@pytest.mark.parametrize(
    "ignore, found",
    [(None, True), (".gitignore", False), ("setup.cfg", False)],
    ids=["walked", "gitignored", "extend-exclude"],
)
def test_the_project_walk_skips_excluded_and_gitignored_trees(tmp_path, ignore, found):
    """A registration in a release tree (a copy of the app) gives no endpoints once the
    tree is excluded, as flake8 excludes it or as git ignores it."""
    (tmp_path / "handlers.py").write_text(HANDLERS, encoding="utf-8")
    (tmp_path / "release").mkdir()
    (tmp_path / "release" / "registry.py").write_text(REGISTRY, encoding="utf-8")
    if ignore == ".gitignore":
        (tmp_path / ".gitignore").write_text("/release/\n", encoding="utf-8")
    elif ignore == "setup.cfg":
        (tmp_path / "setup.cfg").write_text("[flake8]\nextend-exclude = release\n", encoding="utf-8")
    result = cli("endpoints", "handlers.py", cwd=tmp_path)
    assert ("POST /pay flask pay" in result.stdout) is found, result.stdout + result.stderr
