"""Decorator routes: ``@app.put("/x")`` on a router object, ``@put("/x")`` standalone.

One engine for every framework in ``ROUTER_KINDS`` and ``STANDALONE_DECORATORS``
(Flask, Quart, FastAPI, Starlette, Sanic, Bottle, Django Ninja, aiohttp
RouteTableDef, Litestar, Chalice, Robyn, BlackSheep); the differences are data.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ..knowledge.frameworks import STANDALONE_DECORATORS, STANDALONE_METHODS_KEYWORD, VIEW_FAMILIES
from ..model.endpoint import Endpoint, join_path
from ..syntax import call_argument, literal_string, literal_strings, package_and_name
from .context import DiscoveryContext, methods_from

_CONTROLLER_BASES = frozenset(
    base for family in VIEW_FAMILIES if family.framework in ("litestar", "blacksheep") for base in family.bases
)


def discover(context: DiscoveryContext) -> Iterator[Endpoint]:
    for handler, cls in context.source.all_functions:
        for decorator in handler.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            func = decorator.func
            if isinstance(func, ast.Attribute):
                yield from _router_decorator(context, handler, cls, decorator, func)
            else:
                yield from _standalone_decorator(context, handler, cls, decorator)


def _router_decorator(context, handler, cls, call: ast.Call, func: ast.Attribute) -> Iterator[Endpoint]:
    attribute = func.attr
    for match in context.resolve_routers(func.value, attribute, call):
        kind = match.kind
        if attribute in kind.verb_decorators:
            methods = kind.verb_decorators[attribute]
            path_node = call_argument(call, 0, kind.path_keywords)
        elif attribute in kind.route_decorators:
            methods = methods_from(call_argument(call, kind.methods_position, (kind.methods_keyword,)))
            methods = methods or kind.default_methods
            path_node = call_argument(call, kind.path_position, kind.path_keywords)
        else:
            continue
        route = literal_string(path_node) if kind.decorator_path else ""
        for path in context.full_paths(match, route):
            yield from context.endpoints(handler, cls, methods, path, kind.framework)


def _standalone_decorator(context, handler, cls, call: ast.Call) -> Iterator[Endpoint]:
    dotted = context.source.imported_name(call.func)
    if dotted is None:
        return
    known = STANDALONE_DECORATORS.get(package_and_name(dotted))
    if known is None:
        return
    framework, methods = known
    if methods is None:
        keyword = STANDALONE_METHODS_KEYWORD.get(framework, "methods")
        methods = methods_from(call_argument(call, None, (keyword,))) or ("GET",)
    path_node = call_argument(call, 0, ("path",))
    paths = ("",) if path_node is None else literal_strings(path_node)
    prefix = _controller_path(context, cls)
    for path in paths or (None,):
        yield from context.endpoints(handler, cls, methods, join_path(prefix, path), framework)


def _controller_path(context: DiscoveryContext, cls: ast.ClassDef | None) -> str | None:
    """A controller's prefix: Litestar ``path = "/orders"``, BlackSheep ``def route(cls): return "/orders"``."""
    if cls is None or not any(family.bases & _CONTROLLER_BASES for family in context.view_families(cls)):
        return None
    for statement in cls.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == "route":
            returned = [node.value for node in statement.body if isinstance(node, ast.Return)]
            return literal_string(returned[0]) if len(returned) == 1 else None
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "path" for target in statement.targets
        ):
            return literal_string(statement.value)
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.target.id == "path":
                return literal_string(statement.value)
    return None
