"""Does a condition ask whether something exists? Shared by the rules that credit a
lookup before a write (IDM002's deduplication, IDM004's "create only if missing")."""

from __future__ import annotations

import ast

from ..syntax import final_name


def tests_existence(test: ast.expr, calls: frozenset[str], negation: bool = False) -> bool:
    """An ``is None`` / ``== None`` comparison, a call named in ``calls`` (``.exists()``),
    or, with ``negation``, any ``not x`` anywhere in the condition."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and any(
            isinstance(side, ast.Constant) and side.value is None for side in node.comparators
        ):
            return True
        if negation and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return True
        if isinstance(node, ast.Call) and final_name(node) in calls:
            return True
    return False
