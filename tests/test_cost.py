"""The cheaper ways of working out the same answers (issue 16) give the same answers.

Each fast path is checked against the plain one it replaced, over the fixtures, and the
project modules kept between files (a memory bound) never change what is reported.
"""

from __future__ import annotations

import ast

import pytest

from conftest import FIXTURES, flake8
from flake8_idempotency.analysis import project_modules
from flake8_idempotency.analysis.project_modules import ModuleCache
from flake8_idempotency.model.source import SourceFile
from flake8_idempotency.project.files import _excluded, _exclusion

WORD_SETS = [
    {"path"},
    {"add_url_rule", "register_blueprint"},
    {"urlpatterns", "include", "re_path", "url"},
    {"register_error_handler", "add_exception_handler", "exception_handlers"},
    {"e", "(", "def"},
    {""},
]


def test_lines_naming_words_are_the_lines_that_contain_them():
    checked = 0
    for path in sorted(FIXTURES.rglob("*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = text.splitlines(keepends=True)
        source = SourceFile.from_tree(tree, str(path), lines)
        for words in WORD_SETS:
            plain = [number for number, line in enumerate(lines, 1) if any(word in line for word in words)]
            assert source.lines_naming(frozenset(words)) == plain, (path, words)
            checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    "path, name",
    [
        ("/p/.git", ".git"),
        ("/p/pkg/module.egg", "module.egg"),
        ("/p/build", "build"),
        ("/p/src/app/views.py", "views.py"),
        ("/p/src/app/migrations", "migrations"),
        ("/p/docs/[draft].py", "[draft].py"),
        ("/p/a+b(c).py", "a+b(c).py"),
    ],
)
def test_exclusions_as_one_pattern_answer_like_fnmatch(path, name):
    patterns = (".svn", "CVS", ".bzr", ".hg", ".git", "__pycache__", ".tox", "*.egg", "/p/src/*/migrations", "[draft]*")
    assert _exclusion(patterns)(path, name) == _excluded(path, name, patterns)


def test_modules_read_for_a_file_stay_until_it_is_done():
    loads: list[str] = []

    class Module:
        lines = ["x = 1\n"] * 10

    def load(path: str) -> object:
        loads.append(path)
        return Module()

    cache = ModuleCache(load, size=256, kept_lines=15)
    cache.begin_file()
    first = cache("a.py")
    cache("b.py")
    cache("c.py")
    assert cache("a.py") is first  # the same nodes for the whole file
    cache.end_file()
    assert len(cache) == 1 and cache("a.py") is first  # the most recently used stays
    cache("b.py")
    assert loads == ["a.py", "b.py", "c.py", "b.py"]


@pytest.mark.parametrize("project", ["crossfile", "django_project", "fastapi_project", "flask_project"])
def test_keeping_no_module_between_files_reports_the_same(project, monkeypatch):
    directory = FIXTURES / "projects" / project
    kept = flake8("--isolated", "--select=IDM", "--idm-show-endpoints", ".", cwd=directory).stdout
    monkeypatch.setattr(project_modules, "LINES_KEPT_BETWEEN_FILES", 0)
    monkeypatch.setattr(ModuleCache.__init__, "__defaults__", (project_modules.MODULE_CACHE_SIZE, 0))
    none_kept = flake8("--isolated", "--select=IDM", "--idm-show-endpoints", ".", cwd=directory).stdout
    assert kept and kept == none_kept
