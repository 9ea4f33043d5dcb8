"""The handler body: the endpoint's statements plus the project functions it calls.

Rules never walk a handler themselves; they iterate ``walk_handler`` and get
every node with its ancestors (for "inside a try?" / "behind an if?") and the
call chain that led there, so a write inside a helper is reported at the call
line in the handler and names the helper. Calls are followed into functions of
the same file (module functions, ``self.method()`` of the view class) up to
``Config.call_depth`` levels; recursion is cut by a visited set.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from ..discovery.model import Endpoint
from .source import FunctionNode, SourceFile

#: Definitions nested in a handler do not run when the handler runs.
_NOT_EXECUTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(frozen=True)
class CallStep:
    """One call from the handler (or a helper) into a project function."""

    call: ast.Call
    callee: FunctionNode
    filename: str

    @property
    def name(self) -> str:
        return self.callee.name


@dataclass(frozen=True)
class BodyNode:
    node: ast.AST
    #: From the outermost handler statement down to the node's parent, across calls
    #: (a followed ``ast.Call`` sits in the chain where the callee's body begins).
    ancestors: tuple[ast.AST, ...]
    #: The calls followed to reach the node; empty when it is in the handler itself.
    via: tuple[CallStep, ...]

    @property
    def report_node(self) -> ast.AST:
        """Where a finding is reported: the node itself, or the handler's call leading to it."""
        return self.via[0].call if self.via else self.node

    @property
    def line(self) -> int:
        return getattr(self.report_node, "lineno", 1)

    @property
    def col(self) -> int:
        return getattr(self.report_node, "col_offset", 0)

    def where(self) -> str:
        """`` (in helper `apply_credit`, line 42)`` for messages; empty in the handler."""
        if not self.via:
            return ""
        chain = " -> ".join(step.name for step in self.via)
        return f" (in {chain}, line {getattr(self.node, 'lineno', '?')})"


def resolve_call(call: ast.Call, source: SourceFile, endpoint: Endpoint) -> FunctionNode | None:
    """The same-file function a call runs: ``helper(...)`` or ``self.helper(...)``."""
    func = call.func
    if isinstance(func, ast.Name):
        if func.id in source.imports:
            return None
        return source.functions.get(func.id)
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
        and endpoint.class_name
    ):
        cls = source.classes.get(endpoint.class_name)
        if cls is not None:
            for statement in cls.body:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == func.attr:
                    return statement
    return None


def walk_handler(endpoint: Endpoint, source: SourceFile, depth: int) -> Iterator[BodyNode]:
    """Every node that runs for this endpoint, depth-first, in source order."""
    visited = {id(endpoint.handler)}
    yield from _walk_statements(endpoint.body, (), (), endpoint, source, depth, visited)


def _walk_statements(statements, ancestors, via, endpoint, source, depth, visited) -> Iterator[BodyNode]:
    for statement in statements:
        yield from _walk(statement, ancestors, via, endpoint, source, depth, visited)


def _walk(node, ancestors, via, endpoint, source, depth, visited) -> Iterator[BodyNode]:
    stack = [(node, ancestors)]
    while stack:
        current, parents = stack.pop()
        yield BodyNode(current, parents, via)
        if isinstance(current, ast.Call) and len(via) < depth:
            callee = resolve_call(current, source, endpoint)
            if callee is not None and id(callee) not in visited:
                visited.add(id(callee))
                step = CallStep(current, callee, source.filename)
                yield from _walk_statements(
                    callee.body, parents + (current,), via + (step,), endpoint, source, depth, visited
                )
                visited.discard(id(callee))
        children = [child for child in ast.iter_child_nodes(current) if not isinstance(child, _NOT_EXECUTED)]
        inner = parents + (current,)
        stack.extend((child, inner) for child in reversed(children))
