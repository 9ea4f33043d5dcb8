"""Raw SQL handed to an execute call: its text, and what its UPDATE or INSERT does.

The text is read without running anything: a string or f-string literal, a
``text(...)``/``sql.SQL(...)`` wrapper, a ``"..." + "..."`` concatenation,
``"...".format(...)``, or a name assigned a string anywhere in the file (a module
constant or a local). Placeholders stay as written; they never name a column.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from ..knowledge.writes import (
    APPEND,
    SQL_APPENDING_FUNCTIONS,
    SQL_EXECUTE_METHODS,
    SQL_KEYWORDS,
    SQL_RELATIVE_OPERATORS,
    SQL_TEXT_WRAPPERS,
    SQL_UPSERT_CLAUSES,
    TOGGLE,
)
from ..lazy_pattern import LazyPattern
from ..model.source import SourceFile
from ..syntax import call_argument, final_name, literal_string

_COMMENT = LazyPattern(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_QUOTED_IDENTIFIER = LazyPattern(r'["`\[\]]')
_STRING_LITERAL = LazyPattern(r"'(?:[^']|'')*'")
_UPDATE_SET = LazyPattern(
    r"\bUPDATE\s+(?:ONLY\s+)?[\w.]+(?:\s+(?:AS\s+)?\w+)?\s+SET\s+(?P<set>.*?)(?=\bWHERE\b|\bRETURNING\b|\bFROM\b|;|$)",
    re.IGNORECASE | re.DOTALL,
)
_UPSERT_UPDATE = LazyPattern(r"\b(?:DO|KEY)\s+$", re.IGNORECASE)
_INSERT = LazyPattern(r"^\s*INSERT\s+INTO\s+(?P<table>[\w.]+)", re.IGNORECASE)
_OPERATOR = LazyPattern(r"\|\||[-+*/]")
_FUNCTION = LazyPattern(r"(\w+)\s*\(")


def executed_sql(call: ast.Call, source: SourceFile) -> Iterator[str]:
    """The SQL text(s) an execute call may run; nothing for other calls."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr in SQL_EXECUTE_METHODS):
        return
    statement = call_argument(call, 0, SQL_KEYWORDS)
    if statement is not None:
        yield from sql_texts(statement, source)


def sql_texts(node: ast.expr, source: SourceFile, _depth: int = 0) -> Iterator[str]:
    if _depth > 3:
        return
    text = literal_string(node)
    if text is not None:
        yield text
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for left in sql_texts(node.left, source, _depth + 1):
            for right in sql_texts(node.right, source, _depth + 1):
                yield left + right
    elif isinstance(node, ast.Call) and node.args:
        func = node.func
        name = final_name(func)
        if name in SQL_TEXT_WRAPPERS:
            yield from sql_texts(node.args[0], source, _depth + 1)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        yield from sql_texts(node.func.value, source, _depth + 1)
    elif isinstance(node, ast.Name):
        for value in source.assignments.get(node.id, ()):
            yield from sql_texts(value, source, _depth + 1)


def _clean(sql: str) -> str:
    sql = _COMMENT.sub(" ", sql)
    sql = _STRING_LITERAL.sub("''", sql)
    return _QUOTED_IDENTIFIER.sub("", sql)


def relative_assignments(sql: str) -> Iterator[tuple[str, str]]:
    """``(column, kind)`` for each ``SET col = col + ...`` of an UPDATE (not an upsert's)."""
    sql = _clean(sql)
    for match in _UPDATE_SET.finditer(sql):
        if _UPSERT_UPDATE.search(sql[: match.start()]):
            continue
        for assignment in split_top_level(match["set"]):
            column, equals, value = assignment.partition("=")
            if not equals:
                continue
            column = column.strip().rpartition(".")[2]
            kind = _relative_kind(column, value)
            if kind:
                yield column, kind


def _relative_kind(column: str, value: str) -> str | None:
    if not column.isidentifier() or not re.search(rf"(?<![\w$:%@?]){re.escape(column)}\b", value, re.IGNORECASE):
        return None
    if re.match(r"\s*NOT\b", value, re.IGNORECASE):
        return TOGGLE
    if any(name.lower() in SQL_APPENDING_FUNCTIONS for name in _FUNCTION.findall(value)):
        return APPEND
    operator = _OPERATOR.search(value)
    return SQL_RELATIVE_OPERATORS[operator.group()] if operator else None


def split_top_level(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def plain_insert_table(sql: str) -> str | None:
    """The table of an ``INSERT INTO`` that neither upserts nor ignores conflicts."""
    sql = _clean(sql)
    match = _INSERT.match(sql)
    if match is None or SQL_UPSERT_CLAUSES.search(sql):
        return None
    return match["table"].rpartition(".")[2]
