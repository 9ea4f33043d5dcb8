"""What a name holds: the values assigned to it in a handler or at module level.

A provider client held in a variable (``client = stripe.StripeClient(k)``), a key
made fresh (``key = uuid4()``) or a header name kept in a constant are all seen
through one assignment; the handler's own bindings hide the module's.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .handler_body import BodyNode


def assignments(node: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    """The names a statement or ``:=`` binds, each with the value assigned."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    yield name.id, node.value
    elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
        if isinstance(node.target, ast.Name):
            yield node.target.id, node.value


def module_bindings(tree: ast.Module) -> dict[str, list[ast.expr]]:
    found: dict[str, list[ast.expr]] = {}
    for statement in tree.body:
        for name, value in assignments(statement):
            found.setdefault(name, []).append(value)
    return found


class Scope:
    """What a name holds for one endpoint: its own bindings first, then the module's."""

    def __init__(self, module: dict[str, list[ast.expr]], local: dict[str, list[ast.expr]]) -> None:
        self.module = module
        self.local = local

    @classmethod
    def of(cls, nodes: list[BodyNode], module: dict[str, list[ast.expr]]) -> Scope:
        local: dict[str, list[ast.expr]] = {}
        for body_node in nodes:
            for name, value in assignments(body_node.node):
                local.setdefault(name, []).append(value)
        return cls(module, local)

    def values(self, name: str) -> list[ast.expr]:
        return self.local.get(name) or self.module.get(name, [])
