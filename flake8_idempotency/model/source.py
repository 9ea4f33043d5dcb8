"""One file's facts, gathered from the statements of flake8's tree.

The tree is shared with every other flake8 plugin, so nothing here writes to
its nodes; parents and scopes are kept in side tables.
"""

from __future__ import annotations

import ast
import os
from bisect import bisect_left, bisect_right
from collections import deque
from functools import cached_property

from ..syntax import final_name

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_STATEMENT_LIKE = (ast.stmt, ast.excepthandler, ast.match_case)


def _statements(tree: ast.Module):
    """Every statement, breadth first like ``ast.walk`` (so "first definition wins"
    means the same), without visiting expressions: statements only live in the
    statement lists of other statements (``body``, ``handlers``, ``orelse``...)."""
    pending = deque(tree.body)
    while pending:
        node = pending.popleft()
        yield node
        for name in node._fields:
            if name in _STATEMENT_LISTS:
                pending.extend(getattr(node, name))


_STATEMENT_LISTS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


class SourceFile:
    """A parsed module and the name tables discovery needs.

    The tables come from the module's statements only (names are bound by
    statements); the calls, which need every expression, are collected on first use:
    a module read to look one name up never pays for them.
    """

    def __init__(self, tree: ast.Module, filename: str, lines: list[str] | None = None) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines if lines is not None else []
        #: local name -> dotted origin (``viewsets`` -> ``rest_framework.viewsets``);
        #: relative imports keep their leading dots (``.services.cancel``).
        self.imports: dict[str, str] = {}
        #: name -> every value assigned to it anywhere in the file.
        self.assignments: dict[str, list[ast.expr]] = {}
        #: class name -> class node (any nesting level; first definition wins).
        self.classes: dict[str, ast.ClassDef] = {}
        #: module-level function name -> node.
        self.functions: dict[str, FunctionNode] = {}
        #: every function with the class that directly holds it (None for plain functions).
        self.all_functions: list[tuple[FunctionNode, ast.ClassDef | None]] = []

    @classmethod
    def from_tree(cls, tree: ast.Module, filename: str, lines: list[str]) -> SourceFile:
        source = cls(tree, filename, lines)
        source._collect()
        return source

    @cached_property
    def statements(self) -> list[ast.stmt]:
        """Every statement at any depth (with except handlers and match cases)."""
        return list(_statements(self.tree))

    @cached_property
    def text(self) -> str:
        return "".join(self.lines)

    @cached_property
    def calls(self) -> list[ast.Call]:
        return [node for node in ast.walk(self.tree) if isinstance(node, ast.Call)]

    def calls_to(self, names: frozenset[str] | set[str]) -> list[ast.Call]:
        """Calls of ``name(...)`` or ``x.name(...)`` (or of a name imported as another):
        registration modules ask this of large modules that hold thousands of other calls."""
        wanted = set(names) | {local for local, origin in self.imports.items() if origin.rpartition(".")[2] in names}
        return [call for call in self.calls_near(wanted) if final_name(call) in wanted]

    @cached_property
    def _line_starts(self) -> list[int]:
        starts, offset = [], 0
        for line in self.lines:
            starts.append(offset)
            offset += len(line)
        return starts

    def lines_naming(self, words: frozenset[str] | set[str]) -> list[int]:
        """The numbers of the lines in which one of ``words`` occurs (``word in line``),
        ascending: each word searched in the whole text (``str.find``), not each line
        for each word (that was most of the cost of ``calls_to`` on a big module)."""
        if "" in words:
            return list(range(1, len(self.lines) + 1))
        text, starts = self.text, self._line_starts
        found: set[int] = set()
        for word in words:
            index = text.find(word)
            while index != -1:
                number = bisect_right(starts, index)  # 1-based: starts[0] is 0
                found.add(number)
                if number >= len(starts):
                    break
                index = text.find(word, starts[number])  # on from the next line
        return sorted(found)

    def calls_near(self, words: frozenset[str] | set[str]) -> list[ast.Call]:
        """Every call of the statements on lines that mention one of ``words``, found
        without walking the rest of the module."""
        lines = self.lines_naming(words)
        if not lines:
            return []
        found: list[ast.Call] = []
        for statement in self.statements:
            if hasattr(statement, "lineno"):  # a match_case has no position: always looked in
                start = min([statement.lineno, *(node.lineno for node in getattr(statement, "decorator_list", ()))])
                index = bisect_left(lines, start)
                if index == len(lines) or lines[index] > (statement.end_lineno or statement.lineno):
                    continue
            for child in ast.iter_child_nodes(statement):
                if not isinstance(child, _STATEMENT_LIKE):  # a statement is checked by its own lines
                    found += (node for node in ast.walk(child) if isinstance(node, ast.Call))
        return found

    def _collect(self) -> None:
        owner: dict[int, ast.ClassDef] = {}
        for node in self.statements:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.all_functions.append((node, owner.get(id(node))))
            elif isinstance(node, ast.ClassDef):
                self.classes.setdefault(node.name, node)
                for stmt in node.body:
                    owner[id(stmt)] = node
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports[alias.asname] = alias.name
                    else:
                        root = alias.name.partition(".")[0]
                        self.imports[root] = root
            elif isinstance(node, ast.ImportFrom):
                base = "." * node.level + (node.module or "")
                for alias in node.names:
                    if alias.name != "*":
                        joined = f"{base}.{alias.name}" if not base.endswith(".") else base + alias.name
                        self.imports[alias.asname or alias.name] = joined
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.assignments.setdefault(target.id, []).append(node.value)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                if isinstance(node.target, ast.Name):
                    self.assignments.setdefault(node.target.id, []).append(node.value)
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(stmt.name, stmt)

    @cached_property
    def imported_packages(self) -> frozenset[str]:
        """Top-level packages this file imports from (``flask``, ``rest_framework``, ...)."""
        return frozenset(origin.partition(".")[0] for origin in self.imports.values())

    def dotted_name(self, node: ast.expr) -> str | None:
        """``viewsets.ModelViewSet`` -> ``rest_framework.viewsets.ModelViewSet``.

        Names that are not imported stay as written; None for anything that is
        not a plain name or attribute chain.
        """
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(self.imports.get(node.id, node.id))
        return ".".join(reversed(parts))

    def imported_name(self, node: ast.expr) -> str | None:
        """Like ``dotted_name``, but only for names that come from an import."""
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and root.id in self.imports:
            return self.dotted_name(node)
        return None


#: Other project files larger than this are not read (generated code, data dumps).
MAX_FILE_BYTES = 2_000_000


def read_text(path: str) -> str | None:
    """Another project file's text (never the linted one: that comes from flake8)."""
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def parse_text(path: str, text: str | None) -> SourceFile | None:
    """A project file's facts; None when it does not parse."""
    if text is None:
        return None
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError):
        return None
    return SourceFile.from_tree(tree, path, text.splitlines(keepends=True))


def display_path(filename: str) -> str:
    """``./shop/app.py`` or an absolute path under the current directory -> ``shop/app.py``."""
    relative = os.path.relpath(filename) if os.path.isabs(filename) else os.path.normpath(filename)
    return relative.replace(os.sep, "/")
