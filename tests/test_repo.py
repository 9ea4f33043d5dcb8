"""The repository keeps its promises: quickstart, docs for every code and option, self-lint."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, flake8
from flake8_idempotency.config import OPTIONS
from flake8_idempotency.report.rule_docs import generate, rule_docs
from flake8_idempotency.rules import RULES

RULE_SECTIONS = ["What it does", "Why is this bad?", "Example", "Use instead", "Options", "References"]
RULE_PAGES = sorted((REPO / "docs" / "rules").glob("IDM*.md"))


def test_quickstart_is_exactly_two_commands():
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Quickstart", 1)[1]
    block = re.search(r"```(?:sh|bash|shell)?\n(.*?)```", section, re.S).group(1)
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) == 2
    assert "examples" in lines[0] and "pytest" in lines[1]


def test_configuration_page_lists_every_option_with_its_default():
    page = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    for spec in OPTIONS:
        row = next((line for line in page.splitlines() if line.startswith(f"| `{spec.flag}`")), None)
        assert row, f"{spec.flag} missing from docs/configuration.md"
        default = "off" if spec.is_flag else f"`{spec.default}`" if spec.default else "(none)"
        assert row.split("|")[2].strip() == default, row


def test_every_rule_has_a_page():
    documented = {page.stem for page in RULE_PAGES}
    assert {rule.CODE for rule in RULES} <= documented


def test_installed_rule_docs_match_the_rule_pages():
    """SARIF's rule descriptions come from rule_docs.json, a copy of the pages made for the installed package."""
    assert rule_docs() == generate(REPO / "docs" / "rules"), (
        "docs/rules changed: run `python -m flake8_idempotency.report.rule_docs docs/rules`"
    )
    assert {rule.CODE for rule in RULES} <= set(rule_docs())


@pytest.mark.parametrize("page", RULE_PAGES, ids=lambda page: page.stem)
def test_rule_pages_have_every_section_and_only_real_options(page):
    text = page.read_text(encoding="utf-8")
    assert text.startswith(f"# {page.stem}")
    assert re.findall(r"^## (.+)$", text, re.M) == RULE_SECTIONS
    options = text.split("## Options", 1)[1].split("## References", 1)[0]
    known = {spec.flag for spec in OPTIONS}
    for named in re.findall(r"--idm-[a-z-]+", options):
        assert named in known, f"{page.name} documents unknown option {named}"


def test_the_repo_lints_itself_clean():
    result = flake8("flake8_idempotency", "tests", "benchmarks", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_layers_run_one_way():
    """import-linter's layer contract in pyproject.toml (docs/architecture.md)."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_the_package_type_checks():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", os.devnull], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_new_code_is_its_rule_module():
    """Rules are found by module name; every one is a Rule with a summary check, a
    docs page and fixtures: what a new code has to add, and nothing else."""
    from flake8_idempotency.rules import CHECKS, Rule

    assert [rule.CODE for rule in RULES] == sorted(rule.CODE for rule in RULES)
    for rule in RULES:
        assert isinstance(rule, Rule), rule
        assert rule.CHECK in CHECKS
        assert (REPO / "docs" / "rules" / f"{rule.CODE}.md").is_file()
        assert list((REPO / "tests" / "fixtures" / "rules").glob(f"{rule.CODE.lower()}_*.py")), rule.CODE


DOC_PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def test_readme_links_every_docs_page():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for page in [*sorted((REPO / "docs").glob("*.md")), REPO / "docs" / "summary-schema.json"]:
        assert f"({page.relative_to(REPO).as_posix()}" in readme, f"README does not link {page.name}"


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda page: page.relative_to(REPO).as_posix())
def test_relative_links_resolve(page):
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" not in target:
            assert (page.parent / target).exists(), f"{page.name} links {target}, which does not exist"


def test_documented_formats_and_hooks_exist():
    import yaml

    from flake8_idempotency.report.render import FORMATS

    hooks = {hook["id"] for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    flake8_formats = {"default", "pylint", "quiet-filename", "quiet-nothing", "idm-summary", "idm-github"}
    for page in [REPO / "README.md", REPO / "docs" / "ci.md", REPO / "docs" / "summary.md"]:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
            config = yaml.safe_load(block)
            for repo in config.get("repos", []) if isinstance(config, dict) else []:
                if "flake8-idempotency/" in repo["repo"]:
                    assert {hook["id"] for hook in repo["hooks"]} <= hooks
        for name in re.findall(r"flake8 [^`\n]*--format=([\w-]+)", text):
            assert name in flake8_formats, f"{page.name}: flake8 --format={name}"
        for names in re.findall(r"summary [^`\n]*--format ([\w|-]+)", text):
            assert set(names.split("|")) <= set(FORMATS), f"{page.name}: summary --format {names}"
