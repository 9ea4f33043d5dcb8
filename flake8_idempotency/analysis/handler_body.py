"""The handler body: the endpoint's statements plus the project functions it calls.

Rules never walk a handler themselves; they iterate ``walk_handler`` and get
every node with its ancestors (for "inside a try?" / "behind an if?") and the
call chain that led there, so a write inside a helper is reported at the call
line in the handler and names the helper. Calls are followed into the project's
own functions up to ``Config.call_depth`` levels: same-file functions and
``self.method()`` of the view class, and, with a resolver, functions of other
project modules (``from .services import cancel``, ``services.cancel(...)``,
methods of a service object built at module level). Never into site-packages;
recursion is cut by a visited set.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import NamedTuple

from ..model.endpoint import Endpoint
from ..model.source import FunctionNode, SourceFile, display_path
from .budget import UNLIMITED, Budget
from .project_modules import ProjectResolver

#: Definitions nested in a handler do not run when the handler runs.
_NOT_EXECUTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_SKIPPED = _NOT_EXECUTED
_AST = ast.AST


class CallStep(NamedTuple):
    """One call from the handler (or a helper) into a project function."""

    call: ast.Call
    callee: FunctionNode
    #: The callee's file, and the file of the function that calls it.
    filename: str
    caller_filename: str

    @property
    def name(self) -> str:
        return self.callee.name


class BodyNode(NamedTuple):
    node: ast.AST
    #: From the outermost handler statement down to the node's parent, across calls
    #: (a followed ``ast.Call`` sits in the chain where the callee's body begins).
    ancestors: tuple[ast.AST, ...]
    #: The calls followed to reach the node; empty when it is in the handler itself.
    via: tuple[CallStep, ...]
    #: The module the node is written in (the handler's, or a callee's in another file):
    #: names in the node are looked up in its imports.
    source: SourceFile | None = None

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
        """`` (in apply_credit, line 42)`` for messages, with the file when it is another
        one (`` (in cancel_order, orders/services.py:42)``); empty in the handler."""
        if not self.via:
            return ""
        chain = " -> ".join(step.name for step in self.via)
        line = getattr(self.node, "lineno", "?")
        home = self.via[-1].filename
        if home == self.via[0].caller_filename:
            return f" (in {chain}, line {line})"
        return f" (in {chain}, {display_path(home)}:{line})"


def resolve_call(
    call: ast.Call, source: SourceFile, cls_name: str | None, resolver: ProjectResolver | None = None
) -> tuple[SourceFile, FunctionNode] | None:
    """The project function a call runs, with the module it lives in.

    ``helper()`` and ``self.helper()`` in the same file; with a resolver also
    ``imported_helper()``, ``module.helper()`` and ``service.method()`` where
    ``service = Service(...)`` is built in this module.
    """
    func = call.func
    if isinstance(func, ast.Name):
        if func.id not in source.imports:
            local = source.functions.get(func.id)
            return (source, local) if local is not None else None
        return _imported_function(source, source.imports[func.id], resolver)
    if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
        return None
    owner = func.value.id
    if owner in ("self", "cls"):
        method = _method(source.classes.get(cls_name or ""), func.attr)
        return (source, method) if method is not None else None
    if owner in source.imports:
        return _imported_function(source, f"{source.imports[owner]}.{func.attr}", resolver)
    for value in source.assignments.get(owner, ()):
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            class_name = value.func.id
            if class_name in source.classes:
                method = _method(source.classes[class_name], func.attr)
                return (source, method) if method is not None else None
            if class_name in source.imports and resolver is not None:
                return _project_only(resolver.class_method(source.filename, source.imports[class_name], func.attr))
    return None


def _method(cls: ast.ClassDef | None, name: str) -> FunctionNode | None:
    for statement in cls.body if cls else ():
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name == name:
            return statement
    return None


def _imported_function(source: SourceFile, dotted: str, resolver: ProjectResolver | None):
    if resolver is None:
        return None
    return _project_only(resolver.function(source.filename, dotted))


def _project_only(found):
    return found if found is not None and found[1] is not None else None


def walk_handler(
    endpoint: Endpoint,
    source: SourceFile,
    depth: int,
    resolver: ProjectResolver | None = None,
    budget: Budget = UNLIMITED,
) -> Iterator[BodyNode]:
    """Every node that runs for this endpoint, depth-first, in source order."""
    walk = _Walk(endpoint, depth, resolver, {id(endpoint.handler)}, budget)
    for statement in endpoint.body:
        yield from walk.nodes(statement, (), (), source, endpoint.class_name)


class _Walk:
    def __init__(self, endpoint, depth: int, resolver: ProjectResolver | None, visited: set[int], budget: Budget):
        self.endpoint = endpoint
        self.depth = depth
        self.resolver = resolver
        self.visited = visited
        self.budget = budget

    def nodes(self, node, ancestors, via, source: SourceFile, cls_name: str | None) -> Iterator[BodyNode]:
        # The hottest loop of the rules (every node of every handler and helper): the
        # children are read from ``_fields`` as ``ast.iter_child_nodes`` does, in the same
        # order, without its two generators per node.
        stack = [(node, ancestors)]
        pop, push, check = stack.pop, stack.append, self.budget.check
        follow = len(via) < self.depth
        make = tuple.__new__
        while stack:
            current, parents = pop()
            check()
            yield make(BodyNode, (current, parents, via, source))
            if follow and isinstance(current, ast.Call):
                yield from self._follow(current, parents, via, source, cls_name)
            children = []
            for field in current._fields:
                value = getattr(current, field, None)
                if isinstance(value, _AST):
                    if not isinstance(value, _SKIPPED):
                        children.append(value)
                elif isinstance(value, list):
                    children += [item for item in value if isinstance(item, _AST) and not isinstance(item, _SKIPPED)]
            if children:
                inner = parents + (current,)
                for child in reversed(children):
                    push((child, inner))

    def _follow(self, call, parents, via, source, cls_name) -> Iterator[BodyNode]:
        found = resolve_call(call, source, cls_name, self.resolver)
        if found is None or id(found[1]) in self.visited:
            return
        callee_source, callee = found
        self.visited.add(id(callee))
        step = CallStep(call, callee, callee_source.filename, source.filename)
        callee_class = cls_name if callee_source is source else None
        for statement in callee.body:
            yield from self.nodes(statement, parents + (call,), via + (step,), callee_source, callee_class)
        self.visited.discard(id(callee))
