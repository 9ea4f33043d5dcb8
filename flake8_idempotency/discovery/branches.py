"""Function views that branch on ``request.method``: each branch is that method's body.

``if request.method == "POST": ... elif request.method in ("PUT", "PATCH"): ...``
The statements before and after the chain run for every method and stay in,
except after a branch that ends in ``return``/``raise``: nothing after it runs.
"""

from __future__ import annotations

import ast

from ..knowledge.frameworks import HTTP_VERBS
from ..model.source import FunctionNode
from ..syntax import literal_strings

#: Names the request object usually has when it is not the first parameter (Flask's global).
_REQUEST_NAMES = frozenset({"request", "req"})


def method_test(test: ast.expr, request_names: frozenset[str] | None = None) -> tuple[str, ...] | None:
    """Methods a test selects (``request.method == "PUT"``); None if it is not such a test."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        selected: list[str] = []
        for value in test.values:
            methods = method_test(value, request_names)
            if methods is None:
                return None
            selected.extend(methods)
        return tuple(selected)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return None
    left, right = test.left, test.comparators[0]
    if _is_method_attribute(right, request_names):
        left, right = right, left
    if not _is_method_attribute(left, request_names):
        return None
    if not isinstance(test.ops[0], (ast.Eq, ast.In)):
        return None
    values = literal_strings(right)
    if not values or any(value.upper() not in HTTP_VERBS for value in values):
        return None
    return tuple(value.upper() for value in values)


def _is_method_attribute(node: ast.expr, request_names: frozenset[str] | None) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "upper":
        node = node.func.value
    if not (isinstance(node, ast.Attribute) and node.attr == "method"):
        return False
    value = node.value
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "self":
        return value.attr == "request"  # self.request.method in class views
    return isinstance(value, ast.Name) and (request_names is None or value.id in request_names)


def method_chain(statement: ast.stmt, request_names=None) -> list[tuple[tuple[str, ...] | None, list[ast.stmt]]] | None:
    """``[(methods, body), ..., (None, else_body)]`` for an if/elif chain on the method."""
    if not isinstance(statement, ast.If) or method_test(statement.test, request_names) is None:
        return None
    chain: list[tuple[tuple[str, ...] | None, list[ast.stmt]]] = []
    node: ast.stmt | None = statement
    while isinstance(node, ast.If):
        methods = method_test(node.test, request_names)
        if methods is None:
            chain.append((None, [node]))
            return chain
        chain.append((methods, node.body))
        if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            node = node.orelse[0]
        else:
            if node.orelse:
                chain.append((None, node.orelse))
            node = None
    return chain


def branched_methods(handler: FunctionNode, request_names=None) -> tuple[str, ...]:
    """Every method the handler's top-level chains name explicitly."""
    found: list[str] = []
    for statement in handler.body:
        for methods, _ in method_chain(statement, request_names) or ():
            for method in methods or ():
                if method not in found:
                    found.append(method)
    return tuple(found)


def body_for(handler: FunctionNode, method: str) -> tuple[ast.stmt, ...]:
    """The statements that run for ``method``: other methods' branches left out."""
    request_names = _REQUEST_NAMES | {argument.arg for argument in handler.args.args[:2]}
    body: list[ast.stmt] = []
    for statement in handler.body:
        chain = method_chain(statement, request_names)
        if chain is None:
            body.append(statement)
            continue
        for methods, branch in chain:
            if methods is None or method in methods:
                body.extend(branch)
                if branch and isinstance(branch[-1], (ast.Return, ast.Raise)):
                    return tuple(body)
                break
    return tuple(body)
